# Cairn in a container: cairnd (and cairn) from the project's Debian package, on Debian slim,
# running as the unprivileged cairn user with its data in the /var/lib/cairn volume.
#   docker build -t cairn .
#   docker run -p 9292:9292 -v cairn-data:/var/lib/cairn cairn
#   docker run --rm --network host cairn cairn -b 127.0.0.1:9292 topics list
# Not built in CI (the build machines run no container engine); tests/package/deb.sh checks
# the package it installs.

# Stage 1: build the .deb (release build, programs only).
FROM debian:12 AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends g++ cmake ninja-build pkg-config git dpkg-dev file \
      libboost-dev liburing-dev libxxhash-dev libspdlog-dev libfmt-dev libcli11-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# The commit --version reports, when the context has no .git: docker build --build-arg COMMIT=...
ARG COMMIT=""
RUN cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release -DCAIRN_BUILD_TESTS=OFF \
      -DCAIRN_BUILD_BENCH=OFF -DCAIRN_GIT_COMMIT="${COMMIT}" \
 && cmake --build /build \
 && cd /build && cpack -G DEB -B /build/package

# Stage 2: Debian slim with the package installed (its postinst creates the cairn user and
# /var/lib/cairn; there is no systemd here, so the service part does nothing).
FROM debian:12-slim
COPY --from=build /build/package/cairn_*.deb /tmp/
RUN apt-get update \
 && apt-get install -y --no-install-recommends /tmp/cairn_*.deb \
 && rm -rf /var/lib/apt/lists/* /tmp/cairn_*.deb
USER cairn
VOLUME /var/lib/cairn
EXPOSE 9292
# The packaged config, listening on every interface of the container.
CMD ["cairnd", "--config", "/etc/cairn/cairnd.toml", "--listen", "0.0.0.0:9292"]
