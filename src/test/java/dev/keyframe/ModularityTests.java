package dev.keyframe;

import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;

/**
 * The module boundaries hold (no module reaches into another's internals, no cycles), and the architecture
 * documentation in docs/architecture is rewritten from the code on every build.
 */
class ModularityTests {

	static final ApplicationModules modules = ApplicationModules.of(KeyframeApplication.class);

	@Test
	void modulesRespectTheirBoundaries() {
		modules.verify();
	}

	@Test
	void writesTheArchitectureDocumentation() {
		new Documenter(modules, Documenter.Options.defaults().withOutputFolder("docs/architecture"))
			.writeModulesAsPlantUml()
			.writeIndividualModulesAsPlantUml()
			.writeModuleCanvases();
	}

}
