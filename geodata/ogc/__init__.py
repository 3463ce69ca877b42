"""OGC API – Features, Part 1: Core, over the published layers (for QGIS, GDAL, OWSLib).

A collection is the current version of a layer of a plan that is not archived; its id is
the layer's public id "<plan>.<layer>". Features are served in CRS84 as GeoJSON, each with
its fid as "id" and every uploaded attribute as a property (in the order of the file).
A page of features is made by PostgreSQL in one statement, as JSON text that Python only
wraps: neither GEOS nor the json module touches a feature on its way out.

The protocol lives here, a part a job: `protocol` (media types, limits, the refusals),
`endpoint` (the decorator every view wears), `negotiation` (JSON or HTML), `links`,
`parameters` (what a client may ask), `crs` (CRS84 boxes), `features` (the SQL that reads a
page), `documents` (the JSON documents), `tables` (features as the HTML pages show them)
and `openapi` (the API definition). The views are in geodata/views/api/ogc.py.
"""
