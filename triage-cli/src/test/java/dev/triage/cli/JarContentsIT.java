package dev.triage.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
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
}
