"""Writes the importer's test fixtures (import/tests/fixtures/<case>/): one small release per
kind of defect of Coupa's files. Run from the repository root: python3 import/tests/make_fixtures.py
The descriptions and summaries here are our own placeholders, not Coupa's."""
import json, os, shutil

ROOT = os.path.join(os.path.dirname(__file__), "fixtures")

def ref(d): return {"$ref": "#/definitions/" + d}
def pid(name): return {"in": "path", "name": name, "required": True, "type": "integer"}
def params(path): return [pid(p[1:-1]) for p in path.split("/") if p.startswith("{") and "(" not in p]

def op(tag, path, kind, body=None, form=None, xml=None, schema=None):
    o = {"tags": [tag], "summary": "placeholder", "description": "placeholder", "parameters": params(path)}
    if body: o["parameters"].insert(0, {"name": body[0], "in": "body", "required": body[1], "schema": ref(body[0])})
    if form: o["parameters"] += [{"in": "formData", "name": n, "type": t, "required": r} for n, t, r in form]
    if kind == "list": resp = {"200": {"description": "x", "schema": {"type": "array", "items": ref(tag), "xml": {"name": xml, "wrapped": True}}}}
    elif kind == "one": resp = {"200": {"description": "x", "schema": ref(tag)}}
    elif kind == "created": resp = {"201": {"description": "x", "schema": ref(tag)}}
    elif kind == "items": resp = {"200": {"description": "x", "schema": {"items": ref(tag)}}}
    else: resp = {"200": {"description": "Deleted"}}
    if schema is not None: resp = {"200": {"description": "x", "schema": schema}}
    o["responses"] = resp
    return o

def crud(tag, coll, xml, put=True, patch=True, delete=False, post=True):
    paths = {coll: {"get": op(tag, coll, "list", xml=xml)}, coll + "/{id}": {"get": op(tag, coll + "/{id}", "one")}}
    if post: paths[coll]["post"] = op(tag, coll, "created", body=(tag, True))
    if put: paths[coll + "/{id}"]["put"] = op(tag, coll + "/{id}", "items", body=(tag, False))
    if patch: paths[coll + "/{id}"]["patch"] = op(tag, coll + "/{id}", "items", body=(tag, False))
    if delete: paths[coll + "/{id}"]["delete"] = op(tag, coll + "/{id}", "deleted")
    return paths

def swagger(paths, defs, host="r39.coupadev.com", tags=None):
    return {"swagger": "2.0", "info": {"version": "", "title": "Coupa API", "description": "placeholder"},
            "host": host, "basePath": "/api", "tags": [{"name": t, "description": "placeholder"} for t in (tags or [])],
            "schemes": ["https"], "security": [], "paths": paths, "securityDefinitions": {}, "definitions": defs}

def s(fmt="string(255)", ro=False, **kw):
    p = {"type": "string", "description": "placeholder", "format": fmt}
    if ro: p["readOnly"] = True
    p.update(kw)
    return p
def i(ro=False): return {"type": "integer", "description": "placeholder", "format": "integer", **({"readOnly": True} if ro else {})}
def b(): return {"type": "boolean", "description": "placeholder", "format": "boolean"}
def arr(d): return {"type": "array", "items": ref(d)}
def obj(props, required=None):
    o = {"type": "object", "properties": props}
    if required: o["required"] = required
    return o

def page(title, slug, actions=(), elements=None, header=None, toc="The Coupa Core API", extra=""):
    out = ["---", f'title: "{title}"', f'url: "https://compass.coupa.com/en-us/example/{slug}"',
           f'final_url: "https://compass.coupa.com/en-us/example/{slug}"', "status_code: 200",
           'fetched_at: "2026-04-09T00:00:00+00:00"', "toc_path:", '  - "Integration Technical Documentation"',
           f'  - "{toc}"', '  - "Resources"', f'  - "{title}"', "---", "", f"# {title}", ""]
    if actions:
        out += ["## Actions", "", "| **Verb** | **Path** | **Action** | **Description** |", "| --- | --- | --- | --- |"]
        out += [f"| {v} | {p} | {a} | our placeholder |" for v, p, a in actions]
        out.append("")
    if elements is not None:
        h = header or ["Element", "Description", "Req'd", "Unique", "Allowable Value", "In", "Out", "Data Type"]
        out += ["## Elements", "", "| " + " | ".join(f"**{c}**" for c in h) + " |", "|" + " --- |" * len(h)]
        out += ["| " + " | ".join(r) + " |" for r in elements]
        out.append("")
    out.append(extra)
    return "\n".join(out)

def row(el, req="", uniq="", allowed="", i="yes", o="yes", ty="string(255)"):
    return [el, "placeholder", req, uniq, allowed, i, o, ty]

CASES = {}

def case(name, files, pages=None):
    CASES[name] = (files, pages or {})

# 1. formats that are not types
case("garbage_formats", {"Core_Platform_API.json": swagger(crud("Widget", "/widgets", "widgets"), {
    "Widget": obj({"id": i(True), "count": s("int"), "flag": s("tinyint(1)"), "active": s("true"),
                   "allocated": s("0.0"), "currency": s("USD"), "banner": s("image"), "links": s("array"),
                   "category": s('{:a=>"A | B", :c=>"C"}'), "warnings": s("#<Warnings::WarningMessages:0x00007f1edd37b150>"),
                   "last-comment": s("comment"), "ids": s("[]"), "size": {"type": "number", "format": "decimal(32,4)"},
                   "rate": {"type": "number", "format": "float"}, "day": s("date"), "at": s("time")}),
    "Note": obj({"id": i(True), "body": s("text")})})},
    {"0001-Widgets_API.md": page("Widgets API", "widgets", [("GET", "`/api/widgets`", "index")],
        [row("id", i="", ty="integer"), row("last-comment", ty="[Note](https://compass.coupa.com/en-us/example/notes)")])})

# 2. PUT/PATCH responses as items without type
case("typeless_items", {"Core_Platform_API.json": swagger(crud("Gadget", "/gadgets", "gadgets", delete=True), {
    "Gadget": obj({"id": i(True), "name": s()}, ["name"])})})

# 3. identical definitions in two files
shared = {"Currency": obj({"id": i(True), "code": s("string(3)")})}
case("duplicate_identical", {
    "Core_Platform_API.json": swagger(crud("Currency", "/currencies", "currencies"), dict(shared)),
    "Invoicing_API.json": swagger(crud("Invoice", "/invoices", "invoices"), {**shared, "Invoice": obj({"id": i(True), "currency": ref("Currency")})})})

# 4. two copies of a definition that differ
case("duplicate_differing", {
    "Core_Platform_API.json": swagger(crud("Currency", "/currencies", "currencies"), {"Currency": obj({"id": i(True), "code": s("string(3)")})}),
    "Invoicing_API.json": swagger({}, {"Currency": obj({"id": i(True), "code": s("string(5)")})})})

# 5. one path split across two files, and the same (path, method) twice with other content
p1 = {"/artifacts": {"get": op("Artifact", "/artifacts", "list", xml="artifacts")}, "/artifacts/{id}": {"get": op("Artifact", "/artifacts/{id}", "one")}}
p2 = {"/artifacts": {"post": op("Artifact", "/artifacts", "created", body=("Artifact", True))}, "/artifacts/{id}": {"delete": op("Artifact", "/artifacts/{id}", "deleted"), "get": op("Artifact", "/artifacts/{id}", "list", xml="artifacts")}}
art = {"Artifact": obj({"id": i(True)})}
case("split_path", {"Core_Platform_API.json": swagger(p1, dict(art)), "Expense_Reporting_API.json": swagger(p2, dict(art))})

# 6. self references
case("self_references", {"Core_Platform_API.json": swagger(crud("Account", "/accounts", "accounts"), {
    "Account": obj({"id": i(True), "parent": ref("Account"), "currency": ref("Account"), "children": arr("Account")})})})

# 7. ? twins
case("question_twins", {"Core_Platform_API.json": swagger(crud("User", "/users", "users"), {
    "User": obj({"id": i(True), "active": b(), "active?": {**b(), "readOnly": True}, "exported?": b(),
                 "api-user": b(), "api-user?": b(), "is-api-user": b()})})})

# 8. placeholder enums
case("placeholder_enums", {"Core_Platform_API.json": swagger(crud("Term", "/terms", "terms"), {
    "Term": obj({"id": i(True), "stamp": s("datetime", enum=["YYYY-MM-DDTHH:MM:SS+HH:MM"]),
                 "hours": {"type": "number", "format": "decimal(10,0)", "enum": [""]},
                 "active": s("true", enum=["true"]), "consent": s("string(20)", enum=["", "yes", "no"]),
                 "zone": s("string(255)", enum=["Pacific Time (US & Canada)", "UTC", "yes"])})})})

# 9. enums on integers and booleans
case("typed_enums", {"Core_Platform_API.json": swagger(crud("Group", "/groups", "groups"), {
    "Group": obj({"id": i(True), "kind": {"type": "integer", "format": "integer", "enum": ["1", "2"]},
                  "bad": {"type": "integer", "format": "integer", "enum": ["one"]},
                  "active": {"type": "boolean", "format": "boolean", "enum": ["true", "false"]}})})})

# 10. hyphenated definition names
hp = crud("CoupaPay-Payment", "/coupa_pay/payments", None)
hp["/coupa_pay/payments"]["get"] = op("CoupaPay-Payment", "/coupa_pay/payments", "list", xml="coupa-pay-payments")
case("hyphenated_names", {"Coupa_Pay_Base_API.json": swagger(hp, {
    "CoupaPay-Payment": obj({"id": i(True), "lines": arr("Payables-Order-ReconciliationLine")}),
    "Payables-Order-ReconciliationLine": obj({"id": i(True), "amount": {"type": "number", "format": "decimal"}})})})

# 11. namespaced collections
ns = crud("Asn-Header", "/asn/headers", "asn-headers", patch=False)
ns["/asn/headers/receive"] = {"put": op("Asn-Header", "/asn/headers/receive", "items", body=("Asn-Header", False))}
ns["/asn/headers/{id}/void"] = {"put": op("Asn-Header", "/asn/headers/{id}/void", "items", body=("Asn-Header", False))}
case("namespaced_collections", {"Inventory_API.json": swagger(ns, {"Asn-Header": obj({"id": i(True), "status": s("string(50)")})})})

# 12. nested routes and PATCH/PUT pairs
nest = crud("Comment", "/comments", "comments", put=False, patch=False)
nest["/invoices/{invoice_id}/comments"] = {"get": op("Comment", "/invoices/{invoice_id}/comments", "list", xml="comments"),
                                           "post": op("Comment", "/invoices/{invoice_id}/comments", "created", body=("Comment", True))}
nest["/invoices/{invoice_id}/comments/{id}"] = {"get": op("Comment", "/invoices/{invoice_id}/comments/{id}", "one")}
nest["/invoices/{invoice_id}/comments/{id}/approve"] = {"put": op("Comment", "/invoices/{invoice_id}/comments/{id}/approve", "items", body=("Comment", False)),
                                                        "patch": op("Comment", "/invoices/{invoice_id}/comments/{id}/approve", "items", body=("Comment", False))}
nest["/payables/{id}/export"] = {"put": op("Payable", "/payables/{id}/export", "items", body=("Payable", False)),
                                 "patch": op("Payable", "/payables/{id}/export", "items", body=("Payable", False))}
nest.update(crud("Payable", "/payables", "payables", post=False))
nest["/users/{user_id}/groups/add"] = {"put": op("Group", "/users/{user_id}/groups/add", "items", body=("Group", False))}
nest["/users/{user_id}/groups/{id}/add"] = {"put": op("Group", "/users/{user_id}/groups/{id}/add", "items", body=("Group", False))}
case("nested_and_patch", {"Core_Platform_API.json": swagger(nest, {
    "Comment": obj({"id": i(True), "body": s("text")}), "Payable": obj({"id": i(True)}), "Group": obj({"id": i(True)})})},
    {"0002-Comments_API.md": page("Comments API", "comments", [("GET", "`/api/invoices/:invoice_id/comments`", "index"), ("PUT/PATCH", "/api/payables/:id", "update")])})

# 13. multipart
mp = crud("Attachment", "/attachments", "attachments", put=False, patch=False)
mp["/invoices/{invoice_id}/attachments"] = {"post": op("Attachment", "/invoices/{invoice_id}/attachments", "created",
    form=[("attachment[file]", "file", True), ("attachment[type]", "string", True)])}
mp["/attachments"]["post"] = op("Attachment", "/attachments", "created", form=[("attachment[file]", "file", True), ("attachment[type]", "string", True)])
mp["/users/{id}/avatar"] = {"put": op("User", "/users/{id}/avatar", "items", form=[("file", "file", False)]),
                            "get": op("User", "/users/{id}/avatar", "one")}
mp.update(crud("User", "/users", "users"))
case("multipart", {"Core_Platform_API.json": swagger(mp, {"Attachment": obj({"id": i(True), "file": s("string")}), "User": obj({"id": i(True)})})})

# 14. downloads and lists declared as one object
dl = crud("InvoiceHeader", "/invoices", "invoices")
for v in ["retrieve_image_scan", "retrieve_legal_invoice_pdf"]:
    dl["/invoices/{id}/" + v] = {"get": op("InvoiceHeader", "/invoices/{id}/" + v, "one")}
dl["/invoices/{invoice_id}/attachments/{id}"] = {"get": op("InvoiceHeader", "/invoices/{invoice_id}/attachments/{id}", "one")}
dl["/requisitions/mine"] = {"get": op("InvoiceHeader", "/requisitions/mine", "one")}
case("downloads", {"Invoicing_API.json": swagger(dl, {"InvoiceHeader": obj({"id": i(True)})})})

# 15. image(/{style})
im = crud("ExpenseArtifact", "/expense_artifacts", "expense-artifacts")
im["/expense_artifacts/{id}/image(/{style})"] = {"get": op("ExpenseArtifact", "/expense_artifacts/{id}/image(/{style})", "one")}
case("image_style", {"Expense_Reporting_API.json": swagger(im, {"ExpenseArtifact": obj({"id": i(True)})})})

# 16. a shifted page row, flags read with a remark, and a clean allowed list
sh_defs = {"Supplier": obj({"id": i(True), "name": s(), "status": s("string(20)"), "created-at": s("datetime", ro=True),
                            "contacts": arr("Contact"), "po-method": s("string(20)")}, ["name"]),
           "Contact": obj({"id": i(True), "email": s()})}
case("shifted_row", {"Core_Platform_API.json": swagger(crud("Supplier", "/suppliers", "suppliers"), sh_defs)},
    {"0003-Suppliers_API.md": page("Suppliers API", "suppliers", [("GET", "`/api/suppliers`", "index"), ("GET", "`/api/suppliers/:id`", "show")], [
        row("name", req="yes", uniq="yes"), row("created-at", req="", uniq="yes", allowed="datetime", i="", o="", ty=""),
        row("status", allowed="active, inactive, draft"), row("po-method", req="yes*", allowed="cxml / xml / email"),
        row("contacts", i="", o="yes", ty="[Contact](https://compass.coupa.com/en-us/example/contacts)"),
        ["", "", "", "", "", "", "", ""], row("Element", ty="Data Type"), row("fax", ty="string")])})

# 17. a page whose rows do not follow its header
runs = {"Run": obj({"id": i(True), "status": s(), "total": i(), "integration": ref("Integration")}, ["integration"]),
        "Integration": obj({"id": i(True), "code": s()})}
alt = ["Element", "Description", "Type", "API In", "API Out", "Required", "Length", "Allowable Values"]
case("rows_off_header", {"Core_Platform_API.json": swagger(crud("Run", "/runs", "runs"), runs)},
    {"0004-Runs_API.md": page("Runs API", "runs", [("GET", "/api/runs", "index"), ("PUT", "/api/runs/:id", "update")], [
        ["id", "placeholder", "", "", "", "", "yes", "integer"], ["total", "placeholder", "integer", "yes", "yes", "", "", ""],
        ["integration", "placeholder", "yes", "", "", "yes", "yes", "Integration"], ["integration", "placeholder", "boolean", "", "", "No", "", "any"],
        ["status", "placeholder", "string(255)", "", "yes", "", "", "pending, running"]], header=alt)})

# 18. a self-referencing array whose page row names another type
sr = {"Report": obj({"id": i(True), "comments": arr("Report"), "approvals": arr("Report"), "currency": ref("Report")}),
      "Comment": obj({"id": i(True)}), "Approval": obj({"id": i(True)})}
case("self_reference_page_type", {"Expense_Reporting_API.json": swagger(crud("Report", "/reports", "reports"), sr)},
    {"0005-Reports_API.md": page("Reports API", "reports", [("GET", "/api/reports", "index"), ("DELETE", "/api/reports/:id", "destroy")], [
        row("id", i="", ty="integer"), row("comments", i="", ty="[Comment](https://compass.coupa.com/en-us/example/comments)"),
        row("approvals", ty="Approval"), row("currency", ty="N/A")])})

# 19. two releases in one import
case("mixed_releases", {"Core_Platform_API.json": swagger(crud("Gadget", "/gadgets", "gadgets"), {"Gadget": obj({"id": i(True)})}),
                        "Invoicing_API.json": swagger({}, {"Gadget": obj({"id": i(True)})}, host="r38.coupadev.com")})

# 21. a non-Core page (the Swagger's routes are on it, but it is another API)
case("non_core_page", {"Core_Platform_API.json": swagger(crud("User", "/users", "users"), {"User": obj({"id": i(True), "login": s()})})},
    {"0006-CSO_Users_API.md": page("User API", "cso-users", [("GET", "/api/users", "query")], [row("login")], toc="The CSO API"),
     "0007-Users_API.md": page("Users API", "users", [], [row("id", i="", ty="integer"), row("login", uniq="yes")])})

# 22. a page whose element names fit two definitions equally (Language and AdjustmentCode both hold
#     code, name and the timestamps): the one its title names takes it, not the first by name
same = {"id": i(True), "code": s(), "name": s(), "created-at": s("datetime", ro=True)}
case("page_title_match", {"Core_Platform_API.json": swagger({}, {"AdjustmentCode": obj(dict(same)), "Language": obj(dict(same))})},
    {"0009-Languages_API.md": page("Languages API", "languages", [], [
        row("id", i="", ty="integer"), row("code", uniq="yes"), row("name"), row("created-at", i="", ty="datetime")])})

def write():
    shutil.rmtree(ROOT, ignore_errors=True)
    for name, (files, pages) in CASES.items():
        for f, data in files.items():
            d = os.path.join(ROOT, name, "swagger"); os.makedirs(d, exist_ok=True)
            open(os.path.join(d, f), "w").write(json.dumps(data, indent=1) + "\n")
        for f, text in pages.items():
            d = os.path.join(ROOT, name, "pages"); os.makedirs(d, exist_ok=True)
            open(os.path.join(d, f), "w").write(text)

    # 20. malformed JSON, and a file that is JSON but not Swagger 2.0 (written by hand: not generated)
    d = os.path.join(ROOT, "malformed", "swagger"); os.makedirs(d, exist_ok=True)
    open(os.path.join(d, "Core_Platform_API.json"), "w").write(json.dumps(swagger(crud("Gadget", "/gadgets", "gadgets"), {"Gadget": obj({"id": i(True)})}), indent=1) + "\n")
    open(os.path.join(d, "Invoicing_API.json"), "w").write('{\n "swagger": "2.0",\n "host": "r39.coupadev.com",\n "paths": {\n  "/x": {"get": }\n }\n}\n')
    open(os.path.join(d, "Sourcing_API.json"), "w").write('{"openapi": "3.0.0", "host": "r39.coupadev.com"}\n')
    bad = swagger({"/bad": {"get": {"tags": "Bad", "responses": {}}, "options": {}}, "/ok": {"get": op("Gadget", "/ok", "one")}},
                  {"Broken": [1, 2], "Gadget": obj({"id": i(True)}),
                   "Odd": {"type": "object", "required": "a", "properties": {"a": {"type": 5, "readOnly": "yes"}, "b": 7}}})
    open(os.path.join(d, "Supply_Chain_API.json"), "w").write(json.dumps(bad, indent=1) + "\n")
    d = os.path.join(ROOT, "malformed", "pages"); os.makedirs(d, exist_ok=True)
    open(os.path.join(d, "0008-No_front_matter.md"), "w").write("# A page without front matter\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n")
    print(sorted(os.listdir(ROOT)))


# The helpers above are shared with make_drift_fixtures.py, which imports this file.
if __name__ == "__main__":
    write()
