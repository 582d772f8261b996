package dev.keyframe;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;
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

	/**
	 * The modules' own code refuses with domain exceptions ({@code Invalid}, {@code NotFound}, ...): only web
	 * controllers, advice and security filters say which HTTP status answers a refusal. Live and transcode are
	 * still to follow.
	 */
	@Test
	void domainCodeSaysNothingOfHttpStatuses() {
		ArchRuleDefinition.noClasses()
			.that()
			.resideInAnyPackage("dev.keyframe.catalog", "dev.keyframe.catalog.internal", "dev.keyframe.identity",
					"dev.keyframe.upload", "dev.keyframe.retention",
					"dev.keyframe.retention.internal", "dev.keyframe.playback", "dev.keyframe.playback.internal")
			.should()
			.dependOnClassesThat()
			.haveFullyQualifiedName("org.springframework.http.HttpStatus")
			.because("domain code throws domain exceptions and the web layer maps them to HTTP answers")
			.check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
				.importPackages("dev.keyframe"));
	}

	@Test
	void writesTheArchitectureDocumentation() {
		new Documenter(modules, Documenter.Options.defaults().withOutputFolder("docs/architecture"))
			.writeModulesAsPlantUml()
			.writeIndividualModulesAsPlantUml()
			.writeModuleCanvases();
	}

}
