"""Shapefiles as district offices send them, generated: for the demo, the tests and bench/.

Polygons are laid out over Taraz in Gauss-Krüger zone 12 (EPSG:28412), attributes in
Russian and Kazakh, the DBF written in cp1251 (or another encoding) with the .cpg removed.
"""

import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodata.importing.encoding import gdal_encoding

# Taraz in EPSG:28412 (DOMAIN.md): about 12 693 630, 4 754 396.
TARAZ_GK12 = (12_693_630.0, 4_754_396.0)
ZONES = [
    ("Ж-1", "Жилая зона индивидуальной застройки", "Жеке тұрғын үй аймағы"),
    ("Ж-2", "Жилая зона многоэтажной застройки", "Көп қабатты тұрғын үй аймағы"),
    ("О-1", "Общественно-деловая зона", "Қоғамдық-іскерлік аймақ"),
    ("П-1", "Производственная зона", "Өндірістік аймақ"),
    ("Р-1", "Рекреационная зона", "Рекреациялық аймақ"),
]


def parcel_grid(
    count: int,
    *,
    invalid_every: int = 0,
    cell: float = 30.0,
    centre: tuple[float, float] = TARAZ_GK12,
) -> gpd.GeoDataFrame:
    """`count` square parcels in a grid over Taraz; every n-th one a self-intersecting bow tie."""
    side = int(np.ceil(np.sqrt(count)))
    index = np.arange(count)
    x0 = centre[0] - side * cell / 2 + (index % side) * cell
    y0 = centre[1] - side * cell / 2 + (index // side) * cell
    geoms = shapely.box(x0, y0, x0 + cell * 0.9, y0 + cell * 0.9)
    if invalid_every:
        bad = index[index % invalid_every == invalid_every - 1]
        size = cell * 0.9
        geoms[bad] = [
            shapely.Polygon(
                [
                    (x0[i], y0[i]),
                    (x0[i] + size, y0[i] + size),
                    (x0[i] + size, y0[i]),
                    (x0[i], y0[i] + size),
                    (x0[i], y0[i]),
                ]
            )
            for i in bad
        ]
    zone = [ZONES[i % len(ZONES)] for i in range(count)]
    return gpd.GeoDataFrame(
        {
            "KAD_NOMER": [f"06-097-{i // 1000:03d}-{i % 1000:03d}" for i in range(count)],
            "ZONA": [z[0] for z in zone],
            "NAZVANIE": [z[1] for z in zone],
            "ATAUY": [z[2] for z in zone],
            "PLOSHAD": np.round(np.full(count, (cell * 0.9) ** 2 / 10000), 4),
        },
        geometry=geoms,
        crs="EPSG:28412",
    )


def zoning_grid(*, cell: float = 1000.0, half_width: int = 7) -> gpd.GeoDataFrame:
    """Functional zones of a master plan: 1 km cells over Taraz, zoned by where they lie."""
    rows = []
    cx, cy = TARAZ_GK12
    for i in range(-half_width, half_width + 1):
        for j in range(-half_width, half_width):
            x, y = cx + i * cell, cy + j * cell
            distance = np.hypot(i + 0.5, j + 0.5)
            if abs(j + 0.5) < 1:  # along the Talas
                zone = ZONES[4]
            elif distance < 2.5:
                zone = ZONES[2]
            elif i < -3 and j > 2:
                zone = ZONES[3]
            elif distance < 4.5:
                zone = ZONES[1]
            else:
                zone = ZONES[0]
            rows.append((shapely.box(x, y, x + cell, y + cell), zone))
    return gpd.GeoDataFrame(
        {
            "ZONE_CODE": [zone[0] for _geometry, zone in rows],
            "ZONE_RU": [zone[1] for _geometry, zone in rows],
            "ZONE_KK": [zone[2] for _geometry, zone in rows],
        },
        geometry=[geometry for geometry, _zone in rows],
        crs="EPSG:28412",
    )


def shapefile_zip(
    frame: gpd.GeoDataFrame,
    target: Path,
    *,
    folder: str = "Тараз ПДП",
    name: str = "участки",
    encoding: str = "cp1251",
    keep_cpg: bool = False,
    keep_prj: bool = True,
) -> Path:
    """Write `frame` as a zipped shapefile the way local offices send it."""
    # Kazakh letters do not exist in cp1251 or cp866: such offices write Russian only.
    for column in frame.columns:
        if column != frame.geometry.name and pd.api.types.is_string_dtype(frame[column]):
            try:
                for value in frame[column]:
                    value.encode(encoding)
            except UnicodeEncodeError:
                frame = frame.drop(columns=column)
    work = target.parent / f".{target.stem}-parts"
    work.mkdir(parents=True, exist_ok=True)
    shp = work / f"{name}.shp"
    frame.to_file(
        shp,
        driver="ESRI Shapefile",
        encoding=gdal_encoding(encoding),
        engine="pyogrio",
    )
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in sorted(work.iterdir()):
            dropped = (part.suffix.lower() == ".cpg" and not keep_cpg) or (
                part.suffix.lower() == ".prj" and not keep_prj
            )
            if not dropped:
                archive.write(part, f"{folder}/{part.name}")
            part.unlink()
    work.rmdir()
    return target
