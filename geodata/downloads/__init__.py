"""Files of a layer version to take away: GeoPackage, zipped shapefile or GeoJSON.

A published version never changes. Its features are read through a server-side cursor in
batches (memory stays flat however big the layer is), reprojected in Python with pyproj (so
that Pulkovo 1942 gets the Kazakhstan datum shift, which PostGIS's ST_Transform would not
pick) and written once into the download cache (RGIS_DOWNLOAD_CACHE_DIR), one file per
version, format and CRS: later requests read that file. Every public attribute key of the
version becomes a column, typed from the values it holds across the whole version.
"""
