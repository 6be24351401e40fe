import json

import geopandas as gpd
import pytest
from geopy.extra.rate_limiter import RateLimiter
from shapely.geometry import Point

from conflictmap.gazetteer import Gazetteer, GazetteerError, LocalGazetteer


@pytest.mark.parametrize("text,expected", [
    ("Fighting in Raqqa", "raqqa"),
    ("Fighting in Raqqah", "raqqa"),
    ("RAQA - Fighters", "raqqa"),
    ("Syria's Raqa", "raqqa"),
    ("Ar-Raqqah city", "raqqa"),
    ("مدينة الرقة", "raqqa"),
    ("the SDF captured Paradise Square", "raqqa-al-naim-square"),
    ("renamed Hell Square", "raqqa-al-naim-square"),
    ("known as Jahim in Arabic", "raqqa-al-naim-square"),
    ("at Al-Naim roundabout", "raqqa-al-naim-square"),
    ("the northern Al-Barid neighbourhood", "raqqa-al-barid"),
])
def test_every_spelling_resolves(gaz, text, expected):
    ids = {pid for m in gaz.match(text) for pid in m.ids}
    assert expected in ids


def test_match_offsets_are_exact(gaz):
    text = "On Monday the SDF captured “Paradise Square,” Raqqah’s infamous square."
    for m in gaz.match(text):
        assert text[m.start:m.end] == m.text
    assert [m.text for m in gaz.match(text)][:2] == ["Paradise Square", "Raqqah"]


def test_lowercase_words_are_not_places(gaz):
    assert gaz.match("he said the mobile unit would paradise") == []


@pytest.mark.parametrize("name", ["Mosul", "Deir Ezzor", "Britain", "Iraq"])
def test_places_outside_the_theatre_are_known_but_not_sites(gaz, name):
    matches = gaz.match(f"news from {name} today")
    assert matches, name
    assert not any(gaz.is_site(pid) for m in matches for pid in m.ids)


def test_sites_are_theatre_places_without_background(gaz):
    sites = gaz.sites()
    assert "raqqa-national-hospital" in sites and "raqqa" in sites
    assert "euphrates" not in sites and "raqqa-governorate" not in sites
    for pid in sites:
        assert gaz[pid].source, pid


def test_every_bundled_place_has_a_source_and_precision(gaz):
    for pid in gaz.ids("theatre"):
        p = gaz[pid]
        assert p.source and p.precision in {"exact", "approximate", "estimate"}, pid


def _write(tmp_path, features):
    path = tmp_path / "g.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def _feat(pid="a", name="A", lon=39.0, lat=35.9, **props):
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {"id": pid, "name": name, "kind": "city", "source": "test", **props}}


@pytest.mark.parametrize("features,problem", [
    ([_feat(name="")], "missing 'name'"),
    ([_feat(pid="")], "missing 'id'"),
    ([_feat(lon=200)], "out of range"),
    ([_feat(parent="nowhere")], "does not exist"),
    ([_feat("a", parent="b"), _feat("b", parent="a")], "cycle"),
    ([_feat(precision="roughly")], "precision"),
    ([], "no features"),
])
def test_broken_gazetteers_name_file_and_problem(tmp_path, features, problem):
    path = _write(tmp_path, features)
    with pytest.raises(GazetteerError) as err:
        Gazetteer.from_files([path], world=False)
    assert str(path) in str(err.value) and problem in str(err.value)


def test_not_json(tmp_path):
    path = tmp_path / "bad.geojson"
    path.write_text("{not json")
    with pytest.raises(GazetteerError, match="not valid JSON"):
        Gazetteer.from_files([path])


def test_hospital_is_ranked_in_the_focus_city(gaz):
    best = gaz.candidates("National Hospital", near="Raqqa")[0]
    assert best.place.id == "raqqa-national-hospital"
    assert "focus" in best.why


def test_local_geocoder_speaks_geopy(gaz):
    geocoder = LocalGazetteer(gazetteer=gaz)
    loc = RateLimiter(geocoder.geocode, min_delay_seconds=0)("Paradise Square")
    assert loc.raw["id"] == "raqqa-al-naim-square"
    assert 38.9 < loc.longitude < 39.1 and 35.9 < loc.latitude < 36.0
    near = geocoder.reverse((loc.latitude, loc.longitude))
    assert near.raw["id"] == "raqqa-al-naim-square"
    assert geocoder.geocode("Xqzzyq nowhere") is None


def test_geopandas_geocode_with_local_provider():
    found = gpd.tools.geocode(["Raqqah", "Jahim"], provider=LocalGazetteer)
    assert found.crs.to_epsg() == 4326
    assert found.geometry.x.between(38.9, 39.1).all()
    back = gpd.tools.reverse_geocode([Point(found.geometry.x[0], found.geometry.y[0])],
                                     provider=LocalGazetteer)
    assert back["address"][0] == "Raqqa"
