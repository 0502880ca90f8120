package dev.triage.cli;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;

import static org.assertj.core.api.Assertions.assertThat;

/** The runnable jar the package phase built carries what runs and none of the native debug symbols. */
class JarContentsIT {

    @Test
    void theJarHasTheNativeLibrariesAndModelButNoDebugSymbols() throws Exception {
        try (JarFile jar = new JarFile(Path.of("target", "triage.jar").toFile())) {
            List<String> names = jar.stream().map(ZipEntry::getName).toList();

            assertThat(names).contains("ai/onnxruntime/native/linux-x64/libonnxruntime.so",
                    "ai/onnxruntime/native/linux-aarch64/libonnxruntime.so", "bge-small-en-v1.5-q.onnx");
            assertThat(names).filteredOn(n -> n.endsWith(".pdb") || n.contains(".dSYM/")).isEmpty();
            assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class")).isEqualTo("dev.triage.cli.TriageCli");
        }
    }

    /**
     * The shaded jar replaces the module's own jar file; without {@code forceCreation}, an incremental
     * build whose change was only in another module kept that module's previous classes in it.
     */
    @Test
    void theJarHoldsTheClassesTheOtherModulesJustCompiled() throws Exception {
        Path classes = Path.of("..", "local-stack", "target", "classes");
        try (JarFile jar = new JarFile(Path.of("target", "triage.jar").toFile());
             Stream<Path> compiled = Files.walk(classes)) {
            List<Path> classFiles = compiled.filter(p -> p.toString().endsWith(".class")).toList();
            assertThat(classFiles).isNotEmpty();
            for (Path classFile : classFiles) {
                String name = classes.relativize(classFile).toString().replace('\\', '/');
                ZipEntry entry = jar.getEntry(name);
                assertThat(entry).as(name).isNotNull();
                try (InputStream in = jar.getInputStream(entry)) {
                    assertThat(in.readAllBytes()).as(name).isEqualTo(Files.readAllBytes(classFile));
                }
            }
        }
    }
}
