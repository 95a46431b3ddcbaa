"""The few sentences the gateway itself says (everything else is the assistant's copy in Rasa's domain)."""

APOLOGY = "Perdón, tuve un problema y no pude responderte. ¿Me lo escribís de nuevo en un ratito?"
RATE_LIMITED = "Vas muy rápido 😅 Esperá un minuto y seguimos."
UNSUPPORTED_MESSAGE = "Por ahora entiendo texto, fotos, PDF y ubicaciones. ¿Me lo escribís?"
# A voice note or an audio file (Telegram voice/audio, WhatsApp audio media).
VOICE_NOTE = "¡Perdón! No puedo escuchar audios 🙉 ¿Me lo escribís? Te leo enseguida."
DOCUMENT_FAILED = "Perdón, no pude preparar el documento. Pedímelo de nuevo en un ratito."
CHOOSE_OPTION = "Elegí una opción:"
WHATSAPP_BUTTONS_HINT = "Respondé con el número de la opción."
EXPIRED_OPTION = "Esa opción ya venció. ¿Me escribís qué necesitás?"
# Said once in a Telegram group or supergroup before the bot leaves it ({bot_username} without the @).
PRIVATE_CHAT_ONLY = "Por privacidad solo atiendo en chat privado: escribime a @{bot_username} 🔒"
# Who wrote a message, when it is a person at Aval ({name}: their first name): the widget shows it over the
# bubble; on Telegram and WhatsApp, where every message looks the same, it heads the text.
STAFF_LABEL = "{name}, de Aval"
STAFF_SIGNED = "{label}: {text}"
