package dev.triage.core.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Where a conversation entered the pipeline. */
public enum Source {
    @JsonProperty("api") API,
    @JsonProperty("mongo") MONGO,
    @JsonProperty("replay") REPLAY,
    @JsonProperty("batch") BATCH
}
