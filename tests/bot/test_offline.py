"""The offline Bot API stand-in behaves like the server for the real PTB Application."""

from __future__ import annotations

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import (
    AIORateLimiter,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot.offline import (
    DUMMY_TOKEN,
    OfflineRequest,
    command_entities,
    html_problem,
    html_to_text,
    make_callback_update,
    make_inline_update,
    make_update,
)


@pytest.fixture
async def app_and_request():
    request = OfflineRequest()
    app = (
        ApplicationBuilder()
        .token(DUMMY_TOKEN)
        .request(request)
        .get_updates_request(OfflineRequest())
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .rate_limiter(AIORateLimiter(max_retries=3))
        .build()
    )
    seen: dict[str, object] = {}

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        seen["args"] = context.args
        keyboard = InlineKeyboardMarkup(
            [[InlineKeyboardButton("Öppna", callback_data="c:24HSN2937")]]
        )
        await update.message.reply_text("<b>Hej</b> &amp; välkommen", reply_markup=keyboard)
        await update.message.reply_photo(b"\x89PNG\r\n", caption="<i>Graf</i>", filename="graf.png")

    async def press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.callback_query.answer()
        await update.callback_query.edit_message_text(f"Kort för {update.callback_query.data[2:]}")

    async def inline(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.inline_query.answer([])

    async def bad_html(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        try:
            await update.message.reply_text("a < b")
        except BadRequest as exc:
            seen["error"] = str(exc)

    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("trasig", bad_html))
    app.add_handler(CallbackQueryHandler(press))
    app.add_handler(InlineQueryHandler(inline))
    app.add_handler(
        MessageHandler(filters.TEXT, lambda u, c: seen.setdefault("plain", u.message.text))
    )
    await app.initialize()
    yield app, request, seen
    await app.shutdown()


async def test_records_calls_and_answers_messages(app_and_request):
    app, request, seen = app_and_request
    await app.process_update(make_update(app, "/start hej då"))

    assert seen["args"] == ["hej", "då"]
    sent = request.last("sendMessage")
    assert sent.params["chat_id"] == 1
    assert sent.params["parse_mode"] == "HTML"
    assert sent.text == "<b>Hej</b> &amp; välkommen"
    assert sent.buttons == [[{"text": "Öppna", "callback_data": "c:24HSN2937"}]]
    assert sent.result["text"] == "Hej & välkommen"  # the server parses the markup away

    photo = request.last("sendPhoto")
    assert photo.files["photo"].filename == "graf.png"
    assert photo.files["photo"].content == b"\x89PNG\r\n"
    assert photo.files["photo"].mimetype == "image/png"
    assert photo.result["message_id"] == sent.result["message_id"] + 1


async def test_button_press_edits_the_message_the_bot_sent(app_and_request):
    app, request, _ = app_and_request
    await app.process_update(make_update(app, "/start"))
    sent = request.last("sendMessage")

    await app.process_update(make_callback_update(app, "c:24HSN2937", message=sent.result))

    assert request.last("answerCallbackQuery").result is True
    edit = request.last("editMessageText")
    assert edit.params["message_id"] == sent.result["message_id"]
    chat_id = sent.result["chat"]["id"]
    assert request.message(chat_id, sent.result["message_id"])["text"] == "Kort för 24HSN2937"
    assert [c.method for c in request.replies()][-1] == "editMessageText"


async def test_inline_query_is_answered(app_and_request):
    app, request, _ = app_and_request
    await app.process_update(make_inline_update(app, "tandvård"))
    assert request.last("answerInlineQuery").params["results"] == []


async def test_malformed_html_is_refused_like_the_server(app_and_request):
    app, request, seen = app_and_request
    await app.process_update(make_update(app, "/trasig"))
    assert "can't parse entities" in seen["error"].lower()
    assert request.last("sendMessage").result is None


async def test_programmed_fault(app_and_request):
    app, request, _ = app_and_request
    request.fail("setMyCommands", description="Bad Request: nope", times=1)
    with pytest.raises(BadRequest, match="(?i)nope"):
        await app.bot.set_my_commands([("start", "Börja")])
    assert await app.bot.set_my_commands([("start", "Börja")]) is True


async def test_text_without_command_entity_reaches_message_handler(app_and_request):
    app, _, seen = app_and_request
    await app.process_update(make_update(app, "/nästa-möte"))
    assert seen["plain"] == "/nästa-möte"


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("/beslut 24HSN2937", "/beslut"),
        ("/start@namndbot", "/start@namndbot"),
        ("/nasta-mote", "/nasta"),  # what clients do: the entity stops at "-"
        ("/nästa-möte", None),  # no entity: "ä" is not allowed in a command
        ("/sök tandvård", None),
        ("beslut", None),
    ],
)
def test_command_entities_follow_the_clients(text, command):
    entities = command_entities(text)
    if command is None:
        assert entities == []
    else:
        assert entities == [{"type": "bot_command", "offset": 0, "length": len(command)}]


def test_html_helpers():
    assert html_to_text("<b>Beslut</b> &lt;x&gt; &amp; mer") == "Beslut <x> & mer"
    assert html_problem("<b>ok</b> &amp; 1 > 0") is None
    assert html_problem("a < b") is not None
    assert html_problem("<b>open") is not None
    assert html_problem("<div>x</div>") is not None


async def test_an_edit_that_changes_nothing_is_refused(app_and_request):
    app, request, _ = app_and_request
    await app.process_update(make_update(app, "/start"))
    sent = request.last("sendMessage")
    await app.process_update(make_callback_update(app, "c:24HSN2937", message=sent.result))
    assert request.last("editMessageText").result is not None
    with pytest.raises(BadRequest, match="(?i)not modified"):
        await app.bot.edit_message_text(
            "Kort för 24HSN2937",
            chat_id=sent.result["chat"]["id"],
            message_id=sent.result["message_id"],
        )
