package dev.triage.cli.send;

import com.fasterxml.jackson.databind.JsonNode;
import dev.triage.core.json.Json;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;

/**
 * Writes the classified conversations as one JSON array to
 * {@code classified_results_<yyyyMMdd_HHmmss, UTC>.json}, with {@code _2}, {@code _3}, ... when
 * a run of the same second already wrote that name. The array is written to a temporary file in
 * the same directory, synced, then renamed: a crash leaves either no file or a whole one.
 */
final class ResultsFile {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss").withZone(ZoneOffset.UTC);

    private ResultsFile() {
    }

    /** Writes {@code results} into {@code dir} (created if missing) and returns the file's path. */
    static Path write(Path dir, Instant now, List<JsonNode> results) throws IOException {
        Files.createDirectories(dir);
        byte[] json = Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(results);
        Path target = freeName(dir, now);
        // not Files.createTempFile: its owner-only permissions would stay on the results file
        Path temp = dir.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            try (FileOutputStream out = new FileOutputStream(temp.toFile())) {
                out.write(json);
                out.write('\n');
                out.getFD().sync();
            }
            return Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    static Path freeName(Path dir, Instant now) {
        String base = "classified_results_" + STAMP.format(now);
        Path path = dir.resolve(base + ".json");
        for (int n = 2; Files.exists(path); n++) {
            path = dir.resolve(base + "_" + n + ".json");
        }
        return path;
    }
}
