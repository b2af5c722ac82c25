"""The review web app (Flask). Pages: the flag queue, one flag beside its source, the decision
trail, export. Every POST carries a CSRF token (Flask-WTF); every response carries a strict CSP
(no inline script: the keyboard shortcuts live in static/review.js)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import secure
from flask import Flask, Response, abort, flash, g, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.wrappers import Response as BaseResponse

from .. import export
from .. import template as tpl
from . import casefile
from .forms import CaseForm, DecisionForm
from .store import STATUSES, Conflict, FlagRow, Store
from .textview import segments

FILTERS = ("report", "rule", "kind", "status")
REVIEWER_COOKIE = "reviewer"

_HEADERS = secure.Secure(
    csp=secure.ContentSecurityPolicy().default_src("'self'").script_src("'self'")
    .style_src("'self'").img_src("'self'").object_src("'none'").base_uri("'none'")
    .frame_ancestors("'none'").form_action("'self'"),
    xfo=secure.XFrameOptions().deny(),
    xcto=secure.XContentTypeOptions(),
    referrer=secure.ReferrerPolicy().no_referrer(),
    coop=secure.CrossOriginOpenerPolicy().same_origin(),
    corp=secure.CrossOriginResourcePolicy().same_origin(),
    cache=secure.CacheControl().no_store(),
)


def create_app(db_path: str | Path, *, fixtures_root: str | Path | None = None,
               testing: bool = False, csrf: bool = True) -> Flask:
    """`fixtures_root`: the folder "save as fixture" may write under (default: the working
    directory). `csrf=False` only for tests that post without a browser."""
    app = Flask(__name__)
    db_path = Path(db_path)
    store = Store(db_path)  # migrates a new store once, before any request
    app.config.update(
        SECRET_KEY=store.secret_key(), DB_PATH=db_path, TESTING=testing,
        WTF_CSRF_ENABLED=csrf, WTF_CSRF_TIME_LIMIT=None,  # a flag may stay open for hours
        FIXTURES_ROOT=Path(fixtures_root or Path.cwd()).resolve(),
        SESSION_COOKIE_SAMESITE="Strict",
    )
    store.close()
    CSRFProtect(app)

    @app.after_request
    def _headers(resp: Response) -> Response:
        _HEADERS.set_headers(resp)
        return resp

    @app.teardown_appcontext
    def _close(_exc: BaseException | None) -> None:
        st = g.pop("store", None)
        if st is not None:
            st.close()

    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError) -> tuple[str, int]:
        return render_template("error.html", title="Form refused",
                               message=f"{exc.description} Reload the page and try again."), 400

    @app.errorhandler(404)
    def _404(_exc: Exception) -> tuple[str, int]:
        return render_template("error.html", title="Not found",
                               message="No such page, flag or report in this store."), 404

    app.add_url_rule("/", view_func=queue)
    app.add_url_rule("/flag/<int:flag_id>", view_func=flag_page)
    app.add_url_rule("/flag/<int:flag_id>/decide", view_func=decide, methods=["POST"])
    app.add_url_rule("/decisions", view_func=decisions)
    app.add_url_rule("/export", view_func=export_page)
    app.add_url_rule("/export/results.jsonl", view_func=export_jsonl)
    app.add_url_rule("/export/results.csv", view_func=export_csv)
    app.add_url_rule("/export/case/<int:report_id>", view_func=save_case, methods=["POST"])
    app.jinja_env.globals.update(label=_label, show=_show, when=_when, FILTERS=FILTERS)
    return app


def _store() -> Store:
    if "store" not in g:
        from flask import current_app
        g.store = Store(current_app.config["DB_PATH"])
    return g.store


def _label(fid: str) -> str:
    try:
        return tpl.spec(fid).label
    except KeyError:
        return ""


def _when(at: str) -> str:
    """Stored ISO UTC → "2024-01-31 09:05:00 UTC" for people."""
    return at.replace("T", " ").removesuffix("+00:00") + " UTC"


def _show(value: Any) -> str:
    return "null" if value is None else str(value)


def _filters() -> dict[str, str]:
    """The queue's filters from the query string; status defaults to open, `all` lifts it."""
    f = {k: request.args.get(k, "") for k in FILTERS}
    f["status"] = f["status"] or "open"
    return f


def _query(f: dict[str, str]) -> dict[str, str]:
    """The filters worth keeping in a link (empty ones dropped)."""
    return {k: v for k, v in f.items() if v}


def _queue_rows(f: dict[str, str]) -> list[FlagRow]:
    report = int(f["report"]) if f["report"].isdigit() else None
    status = f["status"] if f["status"] in STATUSES else None
    return _store().queue(report_id=report, rule=f["rule"] or None, kind=f["kind"] or None,
                          status=status)


def queue() -> str:
    st, f = _store(), _filters()
    reports = {r.id: r for r in st.reports()}
    return render_template("queue.html", flags=_queue_rows(f), filters=f, query=_query(f),
                           reports=reports,
                           rules=st.rules(), statuses=STATUSES, counts=st.counts())


def _neighbours(flag_id: int, f: dict[str, str]) -> tuple[int | None, int | None, int, int]:
    ids = [r.id for r in _queue_rows(f)]
    if flag_id not in ids:
        return (ids[0] if ids else None), None, 0, len(ids)
    i = ids.index(flag_id)
    return (ids[i - 1] if i else None), (ids[i + 1] if i + 1 < len(ids) else None), i + 1, len(ids)


def flag_page(flag_id: int, form: DecisionForm | None = None, error: str | None = None,
              status: int = 200) -> tuple[str, int]:
    st, f = _store(), _filters()
    try:
        row = st.flag(flag_id)
    except KeyError:
        abort(404)
    report, result = st.report(row.report_id), st.result(row.report_id)
    fields = row.flag.fields
    focus = request.args.get("field") if request.args.get("field") in fields else None
    focus = focus or (form.field.data if form and form.field.data in fields else None)
    focus = focus or next((fid for fid in fields if fid in result.evidence), None)
    if form is None:
        form = DecisionForm(formdata=None, reviewer=request.cookies.get(REVIEWER_COOKIE, ""),
                            version=str(report.version), field=focus)
    form.field.choices = [(fid, fid) for fid in fields]
    ev = result.evidence.get(focus) if focus else None
    others = [result.evidence[x] for x in fields if x != focus and x in result.evidence]
    prev_id, next_id, pos, total = _neighbours(flag_id, f)
    return render_template(
        "flag.html", row=row, report=report, result=result, focus=focus, form=form,
        error=error, segs=segments(result.text, ev, others), evidence=ev, query=_query(f),
        prev_id=prev_id, next_id=next_id, pos=pos, total=total,
        history=st.decisions(flag_id=flag_id)), status


def decide(flag_id: int) -> BaseResponse | tuple[str, int]:
    st, f = _store(), _filters()
    try:
        row = st.flag(flag_id)
    except KeyError:
        abort(404)
    form = DecisionForm()
    form.field.choices = [(fid, fid) for fid in row.flag.fields]
    if not row.flag.fields:
        form.field.validators = []
        form.field.validate_choice = False
    action = form.action()
    if not form.validate() or action is None:
        errs = "; ".join(e for es in form.errors.values() for e in es) or "choose a decision"
        return flag_page(flag_id, form, errs, 422)
    before = [r.id for r in _queue_rows(f)]
    try:
        d = st.decide(flag_id, action, field=form.field.data or None,
                      reviewer=form.reviewer.data or "", base_version=int(form.version.data),
                      value=form.value.data, note=form.note.data or "")
    except Conflict as c:
        return render_template("conflict.html", conflict=c, mine=form, action=action,
                               query=_query(f)), 409
    except ValueError as exc:
        return flag_page(flag_id, form, str(exc), 422)
    flash(_summary(d.action, d.field, d.old_value, d.new_value, flag_id))
    resp = redirect(_next_url(flag_id, before, f))
    resp.set_cookie(REVIEWER_COOKIE, d.reviewer, max_age=365 * 86400, httponly=True,
                    samesite="Strict")
    return resp


def _summary(action: str, field: str | None, old: Any, new: Any, flag_id: int) -> str:
    cleared = _store().flag(flag_id).status == "cleared"
    what = {"accept": f"Accepted {field} = {_show(old)}",
            "correct": f"Corrected {field}: {_show(old)} → {_show(new)}",
            "source_error": f"Marked flag #{flag_id} as a source error"}[action]
    return what + (" — the rules now pass; the flag is cleared." if cleared else ".")


def _next_url(flag_id: int, before: list[int], f: dict[str, str]) -> str:
    """The flag after this one in the queue as it was, if it is still in the queue."""
    now = [r.id for r in _queue_rows(f)]
    after = before[before.index(flag_id) + 1:] if flag_id in before else []
    nxt = next((i for i in after if i in now), None)
    nxt = nxt or next((i for i in now if i != flag_id), None)
    if nxt is None:
        return url_for("queue", **_query(f))
    return url_for("flag_page", flag_id=nxt, **_query(f))


def decisions() -> str:
    st = _store()
    rid = request.args.get("report", "")
    rows = st.decisions(report_id=int(rid) if rid.isdigit() else None)
    flags = {d.flag_id: st.flag(d.flag_id) for d in rows}
    return render_template("decisions.html", decisions=rows, flags=flags,
                           reports={r.id: r for r in st.reports()}, report=rid)


def export_page() -> str:
    st = _store()
    reports = st.reports()
    forms = {r.id: CaseForm(formdata=None, case_id=casefile.default_case_id(r.path),
                            prefix=f"r{r.id}") for r in reports}
    per_report = {r.id: len(st.decisions(report_id=r.id)) for r in reports}
    open_flags = {r.id: len(st.queue(report_id=r.id)) for r in reports}
    from flask import current_app
    return render_template("export.html", reports=reports, forms=forms, decided=per_report,
                           open_flags=open_flags, root=current_app.config["FIXTURES_ROOT"])


def _download(text: str, name: str, mimetype: str) -> Response:
    return Response(text, mimetype=mimetype,
                    headers={"Content-Disposition": f"attachment; filename={name}"})


def export_jsonl() -> Response:
    buf = io.StringIO()
    export.write_jsonl(casefile.corrected_all(_store()), buf)
    return _download(buf.getvalue(), "reviewed.jsonl", "application/x-ndjson")


def export_csv() -> Response:
    buf = io.StringIO()
    export.write_csv(casefile.corrected_all(_store()), buf)
    return _download(buf.getvalue(), "reviewed.csv", "text/csv")


def save_case(report_id: int) -> BaseResponse:
    from flask import current_app
    st = _store()
    try:
        st.report(report_id)
    except KeyError:
        abort(404)
    form = CaseForm(prefix=f"r{report_id}")
    if not form.validate():
        flash("Not saved: " + "; ".join(e for es in form.errors.values() for e in es), "error")
        return redirect(url_for("export_page"))
    try:
        path = casefile.save_case(st, report_id, form.case_id.data or "",
                                  current_app.config["FIXTURES_ROOT"], form.folder.data or "")
    except ValueError as exc:
        flash(f"Not saved: {exc}", "error")
    else:
        flash(f"Saved {path}")
    return redirect(url_for("export_page"))
