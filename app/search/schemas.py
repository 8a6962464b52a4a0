"""JSON shapes of the search API (documented in OpenAPI)."""

from datetime import datetime

from pydantic import BaseModel, Field


class HintOut(BaseModel):
    code: str
    message: str


class FacetOut(BaseModel):
    label: str
    count: int
    query: str = Field(description="The query with this filter added (or removed if active).")
    active: bool


class ResultOut(BaseModel):
    kind: str
    kind_label: str
    heading_html: str = Field(description="Escaped title; matched words in <mark>.")
    excerpt_html: str = Field(description="Escaped excerpt; matched words in <mark>.")
    url: str
    network: str | None
    network_name: str
    category: str
    author: str | None
    author_name: str
    created_at: datetime
    updated_at: datetime
    status: list[str]
    matches: int = Field(description="Matching items grouped into this result (posts of a topic).")


class SearchOut(BaseModel):
    query: str = Field(description="The query as read (cut to its maximum length).")
    hints: list[HintOut]
    page: int
    pages: int
    per_page: int
    total: int = Field(description="Results (groups such as topics) the reader may see.")
    matches: int = Field(description="Matching items before grouping.")
    results: list[ResultOut]
    kinds: list[FacetOut]
    networks: list[FacetOut]


class SuggestionOut(BaseModel):
    heading_html: str
    url: str
    kind_label: str
    network_name: str
