package dev.keyframe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;

/**
 * The module boundaries hold (no module reaches into another's internals, no cycles), and the architecture
 * documentation in docs/architecture is what the code says: rewritten from the code on a developer's build, and
 * checked against the code on CI ({@code CI=true} as an environment variable or a system property), where a
 * difference fails the build.
 */
class ModularityTests {

	static final ApplicationModules modules = ApplicationModules.of(KeyframeApplication.class);

	@Test
	void modulesRespectTheirBoundaries() {
		modules.verify();
	}

	/**
	 * The modules' own code refuses with domain exceptions ({@code Invalid}, {@code NotFound}, ...): only web
	 * controllers, advice and security filters say which HTTP status answers a refusal.
	 */
	@Test
	void domainCodeSaysNothingOfHttpStatuses() {
		ArchRuleDefinition.noClasses()
			.that()
			.resideInAnyPackage("dev.keyframe.catalog", "dev.keyframe.catalog.internal", "dev.keyframe.identity",
					"dev.keyframe.upload", "dev.keyframe.retention",
					"dev.keyframe.retention.internal", "dev.keyframe.playback", "dev.keyframe.playback.internal",
					"dev.keyframe.live", "dev.keyframe.live.internal", "dev.keyframe.transcode",
					"dev.keyframe.transcode.internal", "dev.keyframe.transcode.worker")
			.should()
			.dependOnClassesThat()
			.haveFullyQualifiedName("org.springframework.http.HttpStatus")
			.because("domain code throws domain exceptions and the web layer maps them to HTTP answers")
			.check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
				.importPackages("dev.keyframe"));
	}

	/**
	 * Transcode changes the catalog only by events ({@code TranscodeProgressed}, {@code RenditionPublished},
	 * {@code PosterStored}) that the catalog hears in the same transaction, and reads it through {@code AssetLookup}:
	 * it does not call the catalog's services.
	 */
	@Test
	void transcodeTellsTheCatalogByEvents() {
		ArchRuleDefinition.noClasses()
			.that()
			.resideInAPackage("dev.keyframe.transcode..")
			.should()
			.dependOnClassesThat()
			.haveFullyQualifiedName("dev.keyframe.catalog.AssetManagement")
			.because("what transcode changes in the catalog it publishes as events")
			.check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
				.importPackages("dev.keyframe"));
	}

	static final Path COMMITTED = Path.of("docs/architecture");

	static final Path GENERATED = Path.of("target/modulith-docs");

	/**
	 * The Documenter writes relationships, bean references and events in an order that changes from run to run, so
	 * its output is written to target first and then normalised (see {@link #normalised}) before it is compared
	 * with, or copied over, the committed documents.
	 */
	@Test
	void writesTheArchitectureDocumentation() throws IOException {
		new Documenter(modules, Documenter.Options.defaults().withOutputFolder(GENERATED.toString()))
			.writeModulesAsPlantUml()
			.writeIndividualModulesAsPlantUml()
			.writeModuleCanvases();
		Map<String, String> generated = read(GENERATED);
		generated.replaceAll((name, text) -> normalised(text));
		if (onCi()) {
			Map<String, String> committed = read(COMMITTED);
			List<String> stale = new ArrayList<>();
			TreeSet<String> names = new TreeSet<>(generated.keySet());
			names.addAll(committed.keySet());
			for (String name : names) {
				if (!String.valueOf(generated.get(name)).equals(String.valueOf(committed.get(name)))) {
					stale.add(COMMITTED.resolve(name).toString());
				}
			}
			if (!stale.isEmpty()) {
				throw new AssertionError("The architecture documentation is out of date with the code: " + stale
						+ ". Run `mvn test -Dtest=ModularityTests` without CI=true, which rewrites "
						+ COMMITTED + ", and commit the regenerated files.");
			}
			return;
		}
		Files.createDirectories(COMMITTED);
		for (String name : read(COMMITTED).keySet()) {
			if (!generated.containsKey(name)) {
				Files.delete(COMMITTED.resolve(name));
			}
		}
		for (Map.Entry<String, String> document : generated.entrySet()) {
			Path target = COMMITTED.resolve(document.getKey());
			if (!Files.exists(target) || !Files.readString(target).equals(document.getValue())) {
				Files.writeString(target, document.getValue());
			}
		}
	}

	/**
	 * The same document whatever order the Documenter chose: every run of consecutive lines of one kind whose order
	 * carries no meaning is sorted. Those are PlantUML's {@code Component(..)} and {@code Rel(..)} lines, and an
	 * AsciiDoc canvas cell's bullet list ({@code |* first} then {@code * more}).
	 */
	static String normalised(String document) {
		List<String> lines = new ArrayList<>(Arrays.asList(document.split("\\R", -1)));
		int start = 0;
		while (start < lines.size()) {
			String kind = kind(lines.get(start));
			int end = start + 1;
			while (kind != null && end < lines.size() && kind.equals(kind(lines.get(end)))
					&& !lines.get(end).startsWith("|")) {
				end++;
			}
			if (kind != null && end - start > 1) {
				boolean cell = lines.get(start).startsWith("|");
				List<String> block = new ArrayList<>(lines.subList(start, end));
				if (cell) {
					block.set(0, block.get(0).substring(1));
				}
				block.sort(null);
				if (cell) {
					block.set(0, "|" + block.get(0));
				}
				for (int i = 0; i < block.size(); i++) {
					lines.set(start + i, block.get(i));
				}
			}
			start = end;
		}
		return String.join("\n", lines);
	}

	private static @Nullable String kind(String line) {
		String text = line.strip();
		if (text.startsWith("Rel(")) {
			return "Rel";
		}
		if (text.startsWith("Component(")) {
			return "Component";
		}
		if (text.startsWith("* ") || text.startsWith("|* ")) {
			return "*";
		}
		return null;
	}

	@Test
	void normalisingSortsOnlyTheBlocksWhoseOrderIsArbitrary() {
		String canvas = "|Bean references\n|* `b`\n* `a`\n|Events listened to\n|* `d` \n* `c` (async) \n|===\n";
		assertThat(normalised(canvas))
			.isEqualTo("|Bean references\n|* `a`\n* `b`\n|Events listened to\n|* `c` (async) \n* `d` \n|===\n");
		String diagram = "  Component(b)\n  Component(a)\n}\n\nRel(b, a)\nRel(a, b)\n\nSHOW_LEGEND(true)";
		assertThat(normalised(diagram))
			.isEqualTo("  Component(a)\n  Component(b)\n}\n\nRel(a, b)\nRel(b, a)\n\nSHOW_LEGEND(true)");
		assertThat(normalised(normalised(diagram))).isEqualTo(normalised(diagram));
	}

	private static Map<String, String> read(Path folder) throws IOException {
		Map<String, String> documents = new TreeMap<>();
		if (!Files.isDirectory(folder)) {
			return documents;
		}
		try (Stream<Path> files = Files.list(folder)) {
			files.filter(Files::isRegularFile).forEach(file -> {
				try {
					documents.put(file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8));
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			});
		}
		return documents;
	}

	private static boolean onCi() {
		String value = System.getProperty("CI", System.getenv("CI"));
		return Boolean.parseBoolean(value);
	}

}
