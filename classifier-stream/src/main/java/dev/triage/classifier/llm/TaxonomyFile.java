package dev.triage.classifier.llm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.triage.core.config.ConfigException;
import dev.triage.core.json.Json;
import dev.triage.core.taxonomy.Taxonomy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Reads a taxonomy from {@code TAXONOMY_FILE}, JSON or YAML (by extension):
 * {@code {version, intents: [{name, description}], topics: [...], sentiments: [...]}}.
 */
public final class TaxonomyFile {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private TaxonomyFile() {
    }

    public static Taxonomy read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("TAXONOMY_FILE " + file + " does not exist or is not a file");
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        ObjectMapper mapper = name.endsWith(".yaml") || name.endsWith(".yml") ? YAML : Json.mapper();
        try {
            Taxonomy taxonomy = mapper.readValue(Files.readAllBytes(file), Taxonomy.class);
            if (taxonomy == null) {
                throw new ConfigException("TAXONOMY_FILE " + file + " is empty");
            }
            return taxonomy;
        } catch (IOException e) {
            throw new ConfigException("TAXONOMY_FILE " + file + " cannot be read: " + e.getMessage());
        }
    }
}
