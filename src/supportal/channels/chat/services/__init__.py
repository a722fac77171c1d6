"""The only writers of chat rows. The portal's bubble, the agent inbox, the socket consumer and the HTTP
fallback all call these functions."""

from supportal.channels.chat.services.cases import case_from_conversation, conversation_link_case
from supportal.channels.chat.services.conversations import (
    conversation_accept,
    conversation_close,
    conversation_start,
    conversation_transfer,
)
from supportal.channels.chat.services.messages import file_share, message_post

__all__ = [
    "case_from_conversation",
    "conversation_accept",
    "conversation_close",
    "conversation_link_case",
    "conversation_start",
    "conversation_transfer",
    "file_share",
    "message_post",
]
