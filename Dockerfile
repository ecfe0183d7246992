# One image per service: docker build --build-arg PRODUCT=tongxin-membership .
# The builder's Swift must be at least Package.swift's swift-tools-version (checked by
# Scripts/check_compose.py).
FROM swift:6.2-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends libprotobuf-c-dev libpq-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
ARG PRODUCT
RUN swift build -c release --product "${PRODUCT}"
# A failed build fails the image; only the optional resource bundles may be absent.
RUN mkdir /out && cp ".build/release/${PRODUCT}" /out/service && \
    (cp -R .build/release/*.resources /out/ 2>/dev/null || true)

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends libprotobuf-c1 libpq5 ca-certificates && rm -rf /var/lib/apt/lists/*
COPY --from=build /usr/lib/swift/linux/*.so /usr/lib/swift/linux/
COPY --from=build /out/ /app/
ENV LD_LIBRARY_PATH=/usr/lib/swift/linux
USER nobody
ENTRYPOINT ["/app/service"]
