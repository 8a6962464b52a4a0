"""Every router of the moderation, for app/main.py: the HTML pages, then the JSON API."""

from fastapi import APIRouter

from app.moderation import admin_views, api, topic_views, views

html_router = APIRouter()
html_router.include_router(views.router)
html_router.include_router(topic_views.router)
html_router.include_router(admin_views.router)

api_routers = [api.router]
