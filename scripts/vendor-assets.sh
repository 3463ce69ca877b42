#!/bin/sh
# Copy the front-end libraries the portal serves from node_modules into var/vendor/
# (collectstatic serves them as /static/vendor/...). Used by the Makefile and the Dockerfile.
set -eu
rm -rf var/vendor
mkdir -p var/vendor/leaflet var/vendor/ol var/vendor/vectorgrid
cp -r node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.js.map \
      node_modules/leaflet/dist/leaflet.css node_modules/leaflet/dist/images \
      node_modules/leaflet/LICENSE var/vendor/leaflet/
cp node_modules/ol/dist/ol.js node_modules/ol/dist/ol.js.map node_modules/ol/ol.css \
   node_modules/ol/LICENSE.md var/vendor/ol/
cp node_modules/leaflet.vectorgrid/dist/Leaflet.VectorGrid.bundled.min.js \
   node_modules/leaflet.vectorgrid/package.json var/vendor/vectorgrid/
