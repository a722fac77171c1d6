"""The composer of the workspace's case page: send a public reply or an internal note (with files),
preview its Markdown, and fill it from a macro.

With a macro chosen, sending calls `services.macro_apply` with the agent's edit of its text (the macro
decides between reply and note, and may also set the priority, the team and the state); otherwise
`services.comment_add`. Both run in one transaction: a refused step leaves the case as it was.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import SafeString
from django.views.decorators.http import require_POST, require_safe

from supportal.accounts.models import User
from supportal.agent.case_forms import NOTE, ComposerForm
from supportal.agent.case_macros import describe, filled_composer, macro_for
from supportal.agent.case_page import Bound, back, invalid, render_case
from supportal.agent.guards import agent_required
from supportal.cases import services
from supportal.cases.models import Channel, Comment
from supportal.core.errors import DomainError, InvalidInput
from supportal.core.files import CheckedFile, check_upload
from supportal.core.markdown import check_markdown, render_markdown
from supportal.web.cases.case_http import case_or_404
from supportal.web.cases.detail_forms import add_errors

FILE_ALIASES = {"file": "attachments", "files": "attachments", "comment": "body"}


@agent_required
@require_POST
def case_comment(request: HttpRequest, number: str) -> HttpResponse:
    """Send the composer; its "Preview" button (without JavaScript) shows the page with the preview."""
    case = case_or_404(request, number)
    actor: User = request.user  # type: ignore[assignment]
    form = ComposerForm(request.POST, auto_id="composer-%s")
    if request.POST.get("intent") == "preview":
        html, problems = _preview(str(request.POST.get("body", "")))
        form.is_valid()
        return render_case(
            request, case, Bound(name="composer", form=form, preview=html, preview_errors=problems)
        )
    if not form.is_valid():
        return invalid(request, case, Bound(name="composer", form=form))
    data = form.cleaned_data
    macro = macro_for(actor, data["macro"]) if data["macro"] else None
    if data["macro"] and macro is None:
        form.add_error(None, "That macro is not one of yours any more: choose another.")
        return invalid(request, case, Bound(name="composer", form=form))
    checked: list[CheckedFile] = []
    try:
        for upload in request.FILES.getlist("files"):
            checked.append(check_upload(name=upload.name or "attachment", stream=upload, field="files"))
        if macro is not None:
            comment: Comment | None = services.macro_apply(
                actor=actor, case=case, macro=macro, channel=Channel.PORTAL, body=data["body"], files=checked
            )
        else:
            comment = services.comment_add(
                actor=actor,
                case=case,
                body=data["body"],
                channel=Channel.PORTAL,
                public=data["mode"] != NOTE,
                files=checked,
            )
    except DomainError as error:
        add_errors(form, error, FILE_ALIASES)
        if checked or request.FILES:
            form.add_error("attachments", "Choose the files again: they were not kept.")
        return render_case(request, case, Bound(name="composer", form=form), error.status)
    finally:
        for file in checked:
            file.content.close()
    if macro is not None:
        messages.success(request, f"Macro “{macro.name}” applied.")
    elif data["mode"] != NOTE:
        messages.success(request, "Your reply was added.")
    else:
        messages.success(request, "Your internal note was added.")
    return back(case, f"comment-{comment.pk}" if comment is not None else "")


@agent_required
@require_POST
def case_preview(request: HttpRequest, number: str) -> HttpResponse:
    """The composer's text as the timeline will show it (htmx partial)."""
    case_or_404(request, number)
    html, problems = _preview(str(request.POST.get("body", "")))
    return render(request, "agent/case_preview.html", {"preview": html, "preview_errors": problems})


@agent_required
@require_safe
def case_macro(request: HttpRequest, number: str, macro_id: int) -> HttpResponse:
    """The composer's fields filled with a macro for this case, and what else it will do (htmx partial).
    Opened directly, it leads to the case page with the macro in its composer."""
    case = case_or_404(request, number)
    actor: User = request.user  # type: ignore[assignment]
    macro = macro_for(actor, macro_id)
    if macro is None:
        raise Http404("No such macro.")
    if not getattr(request, "htmx", False):
        return HttpResponseRedirect(f"{reverse('agent:case', args=[case.number])}?macro={macro.pk}#composer")
    return render(
        request,
        "agent/case_composer_fields.html",
        {
            "case": case,
            "composer": filled_composer(macro, case, actor),
            "chosen_macro": describe(macro, case),
        },
    )


def _preview(body: str) -> tuple[SafeString | None, list[str]]:
    """Rendered Markdown (sanitised), or why the service would refuse it."""
    try:
        check_markdown(body, field="body")
    except InvalidInput as error:
        return None, [str(m) for m in error.fields.get("body", [error.detail])]
    return render_markdown(body), []
