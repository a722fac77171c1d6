"""Live chat: customers talk to the support team from the portal; agents answer and turn conversations
into cases. See docs/chat.md."""
