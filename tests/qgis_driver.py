"""Ask real QGIS what it shows of a layer, day by day, as a user's Temporal Controller would.

Run with the system Python that has PyQGIS (``/usr/bin/python3``), never the venv:

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 tests/qgis_driver.py FIRST LAST URI [URI ...]

FIRST and LAST are the first and last days of the build (ISO). Each URI is
loaded as the QGIS application adds a dragged-in layer: the layer is made
without its style, added to the project, then given its default style
(``loadDefaultStyle``: the GeoPackage's ``layer_styles`` or the ``.qml``
beside the file); nothing is set by hand. For each, one JSON line
on stdout: the layer's temporal set-up and renderer after loading, the range
the Temporal Controller's "full range" would take, and for every one-day
frame of a navigation object over FIRST..LAST the features the temporal
filter lets through, with the colour the renderer draws each in.
"""

import json
import sys

from qgis.core import (
    QgsApplication,
    QgsDateTimeRange,
    QgsFeatureRequest,
    QgsInterval,
    QgsProject,
    QgsRenderContext,
    QgsTemporalNavigationObject,
    QgsTemporalUtils,
    QgsUnitTypes,
    QgsVectorLayer,
    QgsVectorLayerTemporalContext,
)
from qgis.PyQt.QtCore import QDate, QDateTime, Qt, QTime


def _iso(value):
    return value.toString(Qt.ISODate) if value is not None and value.isValid() else None


def _renderer(layer):
    r = layer.renderer()
    if r.type() != "categorizedSymbol":
        return {"type": r.type(), "attr": None, "categories": []}
    return {"type": r.type(), "attr": r.classAttribute(),
            "categories": [[c.value(), c.label(), c.symbol().color().name()] for c in r.categories()]}


def _frames(layer, first, last):
    props = layer.temporalProperties()
    nav = QgsTemporalNavigationObject()
    begin = QDateTime(QDate.fromString(first, Qt.ISODate), QTime(0, 0))
    end = QDateTime(QDate.fromString(last, Qt.ISODate).addDays(1), QTime(0, 0))
    nav.setTemporalExtents(QgsDateTimeRange(begin, end))
    nav.setFrameDuration(QgsInterval(1, QgsUnitTypes.TemporalDays))
    # The colour each feature is drawn in, as the map renderer asks the layer's renderer.
    renderer = layer.renderer().clone()
    ctx = QgsRenderContext()
    renderer.startRender(ctx, layer.fields())
    frames = []
    for i in range(nav.totalFrameCount()):
        rng = nav.dateTimeRangeForFrameNumber(i)
        tctx = QgsVectorLayerTemporalContext()
        tctx.setLayer(layer)
        flt = props.createFilterString(tctx, rng)
        request = QgsFeatureRequest()
        if flt:
            request.setFilterExpression(flt)
        shown = []
        for f in layer.getFeatures(request):
            symbol = renderer.symbolForFeature(f, ctx)
            shown.append([f["site"], f["controller"], symbol.color().name() if symbol else None])
        frames.append({"begin": _iso(rng.begin()), "end": _iso(rng.end()),
                       "visible": props.isVisibleInTemporalRange(rng), "filter": flt,
                       "features": sorted(shown)})
    renderer.stopRender(ctx)
    return frames


def describe(uri, first, last):
    """Return what QGIS makes of the layer at ``uri``."""
    # As QgsAppLayerHandling does: the constructor resets the temporal properties to the
    # provider's (none), so the application loads the default style after it.
    options = QgsVectorLayer.LayerOptions()
    options.loadDefaultStyle = False
    layer = QgsVectorLayer(uri, "layer", "ogr", options)
    if not layer.isValid():
        return {"uri": uri, "valid": False}
    project = QgsProject.instance()
    project.addMapLayer(layer)
    style_message, styled = layer.loadDefaultStyle()
    props = layer.temporalProperties()
    full = QgsTemporalUtils.calculateTemporalRangeForProject(project)
    out = {
        "uri": uri, "valid": True, "styled": bool(styled), "style_message": style_message,
        "fields": {f.name(): f.typeName() for f in layer.fields()},
        "temporal": {"active": props.isActive(), "mode": int(props.mode()),
                     "start": props.startField(), "end": props.endField(),
                     "limit": int(props.limitMode())},
        "renderer": _renderer(layer),
        "full_range": [_iso(full.begin()), _iso(full.end())],
        "frames": _frames(layer, first, last),
    }
    project.removeMapLayer(layer.id())
    return out


def main(argv):
    """Describe each layer of ``argv[3:]`` over the days ``argv[1]`` to ``argv[2]``."""
    first, last, uris = argv[1], argv[2], argv[3:]
    app = QgsApplication([], False)
    app.initQgis()
    try:
        for uri in uris:
            print(json.dumps(describe(uri, first, last)), flush=True)
    finally:
        app.exitQgis()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
