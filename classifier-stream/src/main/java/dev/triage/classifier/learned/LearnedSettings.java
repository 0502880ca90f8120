package dev.triage.classifier.learned;

import dev.triage.core.config.ConfigException;
import dev.triage.core.config.Env;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * How the learned classifier is trained and used, read once at start.
 *
 * @param examplesFile     {@code EXAMPLES_FILE}: labelled conversations (JSON lines, JSON array or CSV), or null
 * @param examplesMode     {@code EXAMPLES_MODE}: {@code add} (default) trains on the built-in examples plus the
 *                         file's, {@code replace} on the file's only (always so with a {@code TAXONOMY_FILE})
 * @param csvColumns       {@code EXAMPLES_TEXT_COLUMN}, {@code EXAMPLES_LABEL_COLUMNS} ({@code intent=category,...}):
 *                         which columns of a CSV examples file hold the text and the labels
 * @param fewShot          {@code LLM_FEW_SHOT}: labelled examples nearest the conversation put in the LLM prompt (0 = none)
 * @param cascadeThreshold {@code CASCADE_THRESHOLD}: with a model server, the learned classifier answers when it is at
 *                         least this sure of all three labels and the LLM answers the rest; null = the LLM answers all
 */
public record LearnedSettings(Path examplesFile, ExamplesMode examplesMode, LabelledFile.CsvColumns csvColumns, int fewShot,
                              Double cascadeThreshold) {

    /** Whether {@code EXAMPLES_FILE} adds to the built-in examples or replaces them. */
    public enum ExamplesMode { ADD, REPLACE }

    public static final LearnedSettings DEFAULT = new LearnedSettings(null, ExamplesMode.ADD, LabelledFile.CsvColumns.DEFAULT,
            0, null);

    public LearnedSettings {
        Env.requireAtLeast("LLM_FEW_SHOT", fewShot, 0);
        if (fewShot > 20) {
            throw new ConfigException("LLM_FEW_SHOT must be at most 20, was " + fewShot);
        }
        Objects.requireNonNull(examplesMode, "EXAMPLES_MODE");
        if (examplesMode == ExamplesMode.REPLACE && examplesFile == null) {
            throw new ConfigException("EXAMPLES_MODE=replace needs an EXAMPLES_FILE to train on instead of the built-in examples");
        }
        if (cascadeThreshold != null && !(cascadeThreshold >= 0 && cascadeThreshold <= 1)) {
            throw new ConfigException("CASCADE_THRESHOLD must be between 0 and 1, was " + cascadeThreshold);
        }
    }

    public static LearnedSettings fromEnv(Env env) {
        String file = env.string("EXAMPLES_FILE", null);
        String mode = env.string("EXAMPLES_MODE", "add").strip();
        ExamplesMode examplesMode;
        try {
            examplesMode = ExamplesMode.valueOf(mode.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("EXAMPLES_MODE must be add or replace, was '" + mode + "'");
        }
        String threshold = env.string("CASCADE_THRESHOLD", null);
        String labelColumns = env.string("EXAMPLES_LABEL_COLUMNS", null);
        List<String> mappings = labelColumns == null ? List.of() : Arrays.stream(labelColumns.split(","))
                .filter(s -> !s.isBlank()).toList();
        return new LearnedSettings(file == null ? null : Path.of(file), examplesMode,
                LabelledFile.CsvColumns.parse(env.string("EXAMPLES_TEXT_COLUMN", "text"), mappings),
                env.integer("LLM_FEW_SHOT", 0), threshold == null ? null : parseThreshold(threshold));
    }

    private static double parseThreshold(String value) {
        try {
            return Double.parseDouble(value.strip());
        } catch (NumberFormatException e) {
            throw new ConfigException("CASCADE_THRESHOLD must be a number between 0 and 1, was '" + value + "'");
        }
    }
}
