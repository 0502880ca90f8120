package dev.triage.cli.batch;

import picocli.CommandLine.Option;

import java.util.HashMap;
import java.util.Map;

/** The original batch processor's MongoDB options; each overrides its environment variable. */
public final class MongoOptions {

    @Option(names = "--mongodb-uri", description = "MongoDB connection string (env MONGODB_URI).")
    String uri;

    @Option(names = "--db-name", description = "Database (env MONGODB_DB).")
    String database;

    @Option(names = "--queries-collection", description = "Queries collection (env MONGODB_QUERIES_COLLECTION).")
    String queries;

    @Option(names = "--results-collection", description = "Results collection (env MONGODB_RESULTS_COLLECTION).")
    String results;

    /** The options that were given, as environment variables. */
    public Map<String, String> asEnv() {
        Map<String, String> env = new HashMap<>();
        put(env, "MONGODB_URI", uri);
        put(env, "MONGODB_DB", database);
        put(env, "MONGODB_QUERIES_COLLECTION", queries);
        put(env, "MONGODB_RESULTS_COLLECTION", results);
        return env;
    }

    public static void put(Map<String, String> env, String name, Object value) {
        if (value != null) {
            env.put(name, value.toString());
        }
    }
}
