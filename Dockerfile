# One image for every service; the command picks it: gateway, classifier, sink (or any triage command).
# Build stage: the Maven wrapper and the sources; the tests run in CI, not here.
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
RUN ./mvnw -B -q -DskipTests package

# Run stage: a JRE, the one jar, a non-root user.
FROM eclipse-temurin:17-jre
RUN groupadd --system triage && useradd --system --gid triage --uid 10001 --home-dir /app triage
WORKDIR /app
COPY --from=build /src/triage-cli/target/triage.jar /app/triage.jar
USER triage
ENV STATS_STATE_DIR=/tmp/triage-streams
EXPOSE 8000
# The gateway answers GET /health; the classifier and the sink have no HTTP port, so for them the
# check only says the JVM is running (compose overrides it per service).
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD bash -c 'exec 3<>/dev/tcp/127.0.0.1/${GATEWAY_PORT:-8000} && printf "GET /health HTTP/1.0\r\n\r\n" >&3 && grep -q "\"ok\"" <&3'
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/triage.jar"]
CMD ["gateway"]
