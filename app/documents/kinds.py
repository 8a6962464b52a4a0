"""The kinds of co-authored documents, their names and the text a new one starts from."""

from app.documents.models import DocumentKind
from app.i18n import _


def kind_labels() -> dict[DocumentKind, str]:
    return {
        DocumentKind.FREE: _("Document"),
        DocumentKind.AGENDA: _("Meeting agenda"),
        DocumentKind.MINUTES: _("Minutes"),
        DocumentKind.CHARTER_DRAFT: _("Charter draft"),
    }


def starting_text(kind: DocumentKind) -> str:
    """The Markdown a new document of `kind` starts from (agendas and minutes have a frame)."""
    if kind == DocumentKind.AGENDA:
        return _(
            "- **Date:** \n- **Place or video link:** \n- **Facilitator:** \n\n"
            "## Items\n\n"
            "1. Welcome and round of introductions (10 min)\n"
            "2. News from the network (15 min)\n"
            "3. \n4. Any other business\n\n"
            "## To prepare\n\n- \n"
        )
    if kind == DocumentKind.MINUTES:
        return _(
            "- **Date:** \n- **Present:** \n- **Apologies:** \n- **Minutes taken by:** \n\n"
            "## Discussion\n\n### 1. \n\n"
            "## Decisions\n\n- \n\n"
            "## Actions\n\n| What | Who | By when |\n|---|---|---|\n| | | |\n\n"
            "## Next meeting\n\n"
        )
    if kind == DocumentKind.CHARTER_DRAFT:
        return _("# Charter of the network\n\n1. **Purpose.** \n2. **Kindness.** \n3. **Confidentiality.** \n")
    return ""
