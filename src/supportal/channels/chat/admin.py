"""Admin pages of the chat: conversations, their messages and shared files, read-only (the services are
the only writers; the transcript stays as it was written)."""

from __future__ import annotations

from django.contrib import admin

from supportal.channels.chat.models import ChatFile, ChatMessage, Conversation
from supportal.core.admin_site import ReadOnlyAdmin


@admin.register(Conversation)
class ConversationAdmin(ReadOnlyAdmin):
    list_display = ("id", "organisation", "customer_name", "status", "agent", "case", "last_message_at")
    list_filter = ("status", "organisation")
    search_fields = ("=id", "customer_name", "topic")
    list_select_related = ("organisation", "agent", "case")
    ordering = ("-last_message_at", "-id")
    show_full_result_count = False
    actions = None


@admin.register(ChatMessage)
class ChatMessageAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "conversation", "kind", "author_name", "from_agent")
    list_filter = ("kind", "from_agent")
    search_fields = ("=conversation__id",)
    list_select_related = ("conversation",)
    ordering = ("-id",)
    show_full_result_count = False
    actions = None


@admin.register(ChatFile)
class ChatFileAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "filename", "conversation", "content_type", "size")
    search_fields = ("=conversation__id", "filename")
    list_select_related = ("conversation",)
    ordering = ("-id",)
    actions = None
