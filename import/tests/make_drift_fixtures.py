"""Writes the drift tests' fixtures (import/tests/drift/<case>/{old,new}/{swagger,pages}/): one
pair of small releases per classification rule of `coupa_import::drift` (the directory is the
rule's name), plus `noise` (changes that must not show) and `one-sided-area` (an area only the
old side has). Each pair starts from the same base release and changes one thing.
Run from the repository root: python3 import/tests/make_drift_fixtures.py
The descriptions and summaries here are our own placeholders, not Coupa's."""
import copy, json, os, shutil, sys

sys.path.insert(0, os.path.dirname(__file__))
from make_fixtures import ref, op, crud, swagger, s, i, b, arr, obj, page, row  # noqa: E402

ROOT = os.path.join(os.path.dirname(__file__), "drift")


def dec(fmt): return {"type": "number", "description": "placeholder", "format": fmt}


def base():
    """One resource, Widget (CRUD, a member action with an optional body, a member GET, a
    multipart upload), and three shapes (Part, Spare, and Blob, which is open)."""
    paths = crud("Widget", "/widgets", "widgets", delete=True)
    paths["/widgets/{id}/archive"] = {"put": op("Widget", "/widgets/{id}/archive", "items", body=("Widget", False))}
    paths["/widgets/{id}/history"] = {"get": op("Widget", "/widgets/{id}/history", "one")}
    paths["/widgets/{id}/image"] = {"put": op("Widget", "/widgets/{id}/image", "items", form=[("file", "file", False)])}
    widget = obj({"id": i(True), "name": s("string(100)"), "code": s("string(20)"), "notes": s("text"),
                  "status": s("string(20)", enum=["draft", "active"]),
                  "level": {"type": "integer", "description": "placeholder", "format": "integer", "enum": ["1", "2"]},
                  "amount": dec("decimal(30,4)"), "active": b(), "part": ref("Part"), "parts": arr("Part"),
                  "serial_no": s("string(40)"), "created-at": s("datetime", ro=True),
                  "warnings": s("#<Warnings::WarningMessages:0x00007f50794752e0>", ro=True),
                  "banner": s("na.png", ro=True)}, ["name"])
    defs = {"Widget": widget, "Part": obj({"id": i(True), "label": s()}),
            "Spare": obj({"id": i(True), "label": s()}), "Blob": {"type": "object"}}
    return {"paths": paths, "defs": defs, "pages": {}, "extra": {}}


def props(spec): return spec["defs"]["Widget"]["properties"]


def widget_page(elements=None, archive="archive"):
    """The Widgets page: its action table (the archive action's name as given) and, when given,
    an element table."""
    actions = [("GET", "`/api/widgets`", "index"), ("PUT", "`/api/widgets/:id/archive`", archive)]
    return {"0001-Widgets_API.md": page("Widgets API", "widgets", actions, elements)}


def rows(**flags):
    """The Widgets page's element rows; `flags` maps an element to its row's keyword arguments."""
    plain = {"id": {"i": "", "ty": "integer"}, "name": {"ty": "string(100)"}, "code": {"ty": "string(20)"},
             "part": {"ty": "Part"}}
    return [row(n, **{**kw, **flags.get(n, {})}) for n, kw in plain.items()]


CASES = {}


def case(name, old=None, new=None):
    """A pair: the base release changed by `old` on the old side and by `new` on the new side."""
    CASES[name] = (old or (lambda spec: None), new or (lambda spec: None))


def set_prop(name, value): return lambda spec: props(spec).__setitem__(name, value)
def del_prop(name): return lambda spec: props(spec).pop(name)
def set_path(path, value): return lambda spec: spec["paths"].__setitem__(path, value)
def set_pages(pages): return lambda spec: spec.__setitem__("pages", pages)
def all_of(*fs): return lambda spec: [f(spec) for f in fs]


def required(*names):
    return lambda spec: spec["defs"]["Widget"].__setitem__("required", list(names))


archive = "/widgets/{id}/archive"
case("route-removed", new=lambda spec: spec["paths"].pop(archive))
case("route-added", new=set_path("/widgets/{id}/restore", {"put": op("Widget", "/widgets/{id}/restore", "items", body=("Widget", False))}))
case("action-renamed", old=set_pages(widget_page()), new=set_pages(widget_page(archive="retire")))
case("body-required", new=set_path(archive, {"put": op("Widget", archive, "items", body=("Widget", True))}))
case("body-optional", old=set_path(archive, {"put": op("Widget", archive, "items", body=("Widget", True))}))
case("takes-changed", new=set_path(archive, {"put": op("Widget", archive, "items")}))
case("answers-changed", new=set_path("/widgets/{id}/history", {"get": op("Widget", "/widgets/{id}/history", "list", xml="widgets")}))
case("form-changed", new=set_path("/widgets/{id}/image", {"put": op("Widget", "/widgets/{id}/image", "items", form=[("file", "file", True)])}))
case("resource-renamed", new=lambda spec: spec["paths"]["/widgets"]["get"]["responses"]["200"]["schema"]["xml"].__setitem__("name", "widget-list"))
case("type-removed", new=lambda spec: spec["defs"].pop("Spare"))
case("type-added", new=lambda spec: spec["defs"].__setitem__("Gear", obj({"id": i(True), "teeth": i()})))
case("type-open-changed", new=lambda spec: spec["defs"].__setitem__("Blob", obj({"size": i()})))
case("element-removed", new=del_prop("active"))
case("element-added", new=set_prop("color", s("string(30)")))
case("element-added-required", new=all_of(set_prop("color", s("string(30)")), required("name", "color")))
case("element-renamed", new=all_of(del_prop("serial_no"), set_prop("serial-no", s("string(40)"))))
case("type-changed", new=set_prop("code", i()))
case("list-changed", new=set_prop("part", arr("Part")))
case("length-narrowed", new=set_prop("name", s("string(50)")))
case("length-widened", new=set_prop("name", s("string(255)")))
case("precision-narrowed", new=set_prop("amount", dec("decimal(30,2)")))
case("precision-widened", new=set_prop("amount", dec("decimal(32,6)")))
case("value-removed", new=set_prop("status", s("string(20)", enum=["draft"])))
case("value-added", new=set_prop("status", s("string(20)", enum=["draft", "active", "retired"])))
case("allowed-introduced", new=set_prop("code", s("string(20)", enum=["A1", "B2"])))
case("enum-dropped", new=set_prop("status", s("string(20)")))
case("allowed-dropped", new=set_prop("level", {"type": "integer", "description": "placeholder", "format": "integer"}))
case("required-added", new=required("name", "code"))
case("required-removed", new=required())
case("unique-added", old=set_pages(widget_page(rows())), new=set_pages(widget_page(rows(code={"uniq": "yes"}))))
case("unique-removed", old=set_pages(widget_page(rows(code={"uniq": "yes"}))), new=set_pages(widget_page(rows())))
case("in-removed", new=set_prop("code", s("string(20)", ro=True)))
case("in-added", old=set_prop("notes", s("text", ro=True)))
case("out-removed", old=set_pages(widget_page(rows())), new=set_pages(widget_page(rows(part={"o": ""}))))
case("out-added", old=set_pages(widget_page(rows(part={"o": ""}))), new=set_pages(widget_page(rows())))
case("string-text", new=set_prop("notes", s("string")))
case("read-only-changed", old=set_prop("active", {**b(), "readOnly": True}))
case("page-changed", new=set_pages(widget_page()))
case("source-changed", old=set_pages(widget_page(rows()[:3])), new=set_pages(widget_page(rows())))


def noise(spec):
    """What must not show: other descriptions and summaries, another `#<Warnings…:0x…>` address,
    `na.png` read as `image`, another tag description."""
    for p in props(spec).values():
        if "description" in p:
            p["description"] = "another placeholder"
    for item in spec["paths"].values():
        for o in item.values():
            o["summary"] = o["description"] = "another placeholder"
    props(spec)["warnings"]["format"] = "#<Warnings::WarningMessages:0x00007f1edd37b150>"
    props(spec)["banner"]["format"] = "image"


case("noise", new=noise)


def worker_area(spec):
    paths = crud("JobLevel", "/job_levels", "job-levels")
    spec["extra"]["Worker_Management_API.json"] = (paths, {"JobLevel": obj({"id": i(True), "name": s()})})


case("one-sided-area", old=worker_area)


def write_side(dir, spec, host):
    os.makedirs(os.path.join(dir, "swagger"))
    files = {"Core_Platform_API.json": (spec["paths"], spec["defs"]), **spec["extra"]}
    for name, (paths, defs) in files.items():
        text = json.dumps(swagger(paths, defs, host=host, tags=sorted({o["tags"][0] for v in paths.values() for o in v.values()})), indent=1)
        open(os.path.join(dir, "swagger", name), "w").write(text + "\n")
    if spec["pages"]:
        os.makedirs(os.path.join(dir, "pages"))
        for name, text in spec["pages"].items():
            open(os.path.join(dir, "pages", name), "w").write(text)


def write():
    shutil.rmtree(ROOT, ignore_errors=True)
    for name, (old, new) in CASES.items():
        for side, change, host in [("old", old, "r38.coupadev.com"), ("new", new, "r39.coupadev.com")]:
            spec = base()
            change(spec)
            write_side(os.path.join(ROOT, name, side), copy.deepcopy(spec), host)
    print(len(CASES), "cases:", " ".join(sorted(CASES)))


if __name__ == "__main__":
    write()
