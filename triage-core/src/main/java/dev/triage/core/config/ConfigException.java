package dev.triage.core.config;

/** Invalid configuration: fatal, the service stops with this one message, which names the variable. */
public class ConfigException extends IllegalArgumentException {
    public ConfigException(String message) {
        super(message);
    }
}
