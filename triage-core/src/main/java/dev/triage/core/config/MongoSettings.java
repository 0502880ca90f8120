package dev.triage.core.config;

import java.util.regex.Pattern;

/**
 * Where the MongoDB collections of the pipeline are (the original service's variables).
 *
 * @param uri                {@code MONGODB_URI}; may hold a password, masked in {@link #toString()}
 * @param database           {@code MONGODB_DB}
 * @param queriesCollection  {@code MONGODB_QUERIES_COLLECTION}, the conversations to classify
 * @param resultsCollection  {@code MONGODB_RESULTS_COLLECTION}, one result per query
 * @param stateCollection    {@code MONGODB_STATE_COLLECTION}, the relay's resume token and lease
 * @param statsCollection    {@code MONGODB_STATS_COLLECTION}, classification counts per time window
 */
public record MongoSettings(String uri, String database, String queriesCollection, String resultsCollection,
                            String stateCollection, String statsCollection) {

    private static final Pattern PASSWORD = Pattern.compile("(mongodb(?:\\+srv)?://[^:/@]+):[^@/]*@");

    public MongoSettings {
        Env.requireText("MONGODB_URI", uri);
        Env.requireText("MONGODB_DB", database);
        Env.requireText("MONGODB_QUERIES_COLLECTION", queriesCollection);
        Env.requireText("MONGODB_RESULTS_COLLECTION", resultsCollection);
        Env.requireText("MONGODB_STATE_COLLECTION", stateCollection);
        Env.requireText("MONGODB_STATS_COLLECTION", statsCollection);
        if (!uri.startsWith("mongodb://") && !uri.startsWith("mongodb+srv://")) {
            throw new ConfigException("MONGODB_URI must start with mongodb:// or mongodb+srv://, was '" + mask(uri) + "'");
        }
    }

    public static MongoSettings fromEnv(Env env) {
        return new MongoSettings(
                env.string("MONGODB_URI", "mongodb://localhost:27017"),
                env.string("MONGODB_DB", "customer_support"),
                env.string("MONGODB_QUERIES_COLLECTION", "queries"),
                env.string("MONGODB_RESULTS_COLLECTION", "results"),
                env.string("MONGODB_STATE_COLLECTION", "pipeline_state"),
                env.string("MONGODB_STATS_COLLECTION", "stats"));
    }


    /** {@code uri} with the password replaced by {@code ****}. */
    public static String mask(String uri) {
        return PASSWORD.matcher(uri).replaceFirst("$1:****@");
    }

    @Override
    public String toString() {
        return "MongoSettings[uri=" + mask(uri) + ", database=" + database + ", queriesCollection="
                + queriesCollection + ", resultsCollection=" + resultsCollection + ", stateCollection=" + stateCollection
                + ", statsCollection=" + statsCollection + "]";
    }
}
