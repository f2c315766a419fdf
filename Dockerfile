# The control plane daemon on Debian 12, built from this repository.
FROM debian:12 AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      build-essential cmake pkg-config libcpprest-dev libhiredis-dev libyaml-cpp-dev \
      libboost-test-dev nlohmann-json3-dev libspdlog-dev libcli11-dev libssl-dev prometheus-cpp-dev \
      libjemalloc-dev \
 && rm -rf /var/lib/apt/lists/*
COPY . /src
RUN cmake -S /src -B /build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMV_BUILD_TESTS=OFF \
 && cmake --build /build -j "$(nproc)"

FROM debian:12-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libcpprest2.10 libhiredis0.14 libyaml-cpp0.7 libspdlog1.10 libfmt9 libssl3 \
      libprometheus-cpp-core1.0 libjemalloc2 \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /build/controlplane/controlplane /usr/local/bin/controlplane
COPY --from=build /build/controlplane/mvctl /usr/local/bin/mvctl
COPY config/docker.yaml /etc/minivoice/controlplane.yaml
EXPOSE 8080
ENTRYPOINT ["controlplane", "-c", "/etc/minivoice/controlplane.yaml"]
CMD ["serve"]
