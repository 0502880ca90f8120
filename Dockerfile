# syntax=docker/dockerfile:1
# One image for every service; the command picks it: gateway, classifier, sink (or any triage command).
# docker-compose.yml builds it once (the gateway service) and runs it three times.

# Build stage: the Maven wrapper and the sources; the tests run in CI, not here. The cache mount keeps
# Maven itself and the downloaded dependencies between builds, so only a changed pom downloads again.
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
COPY triage-core/ triage-core/
COPY local-stack/ local-stack/
COPY ingest-gateway/ ingest-gateway/
COPY classifier-stream/ classifier-stream/
COPY mongo-sink/ mongo-sink/
COPY triage-cli/ triage-cli/
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -q -DskipTests package

# Run stage: a JRE, the one jar (owned by root, read-only to the service), a non-root user whose
# working directory /app is its own: the statistics stream's state, `triage local`'s ./data and a
# mounted .env live there.
FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10001 triage \
    && useradd --system --uid 10001 --gid triage --home-dir /app --no-create-home triage \
    && mkdir -p /app/state \
    && chown -R triage:triage /app
WORKDIR /app
COPY --from=build /src/triage-cli/target/triage.jar /opt/triage/triage.jar
# numeric, so that an orchestrator can check runAsNonRoot
USER 10001:10001
ENV STATS_STATE_DIR=/app/state/streams
EXPOSE 8000 9101 9102
# No HEALTHCHECK here: the same image runs the gateway (GET /health on 8000), the classifier (9101),
# the sink (9102) and one-shot commands (load, doctor, replay-dlq) that serve nothing, so only the
# orchestrator knows which port to ask; docker-compose.yml declares one per service.
# The heap follows the container's memory limit; the other 40% is for what lives outside it (the ONNX
# model, RocksDB, thread stacks, metaspace). Out of memory ends the process, so that it is restarted.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=60", "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/triage/triage.jar"]
CMD ["gateway"]
