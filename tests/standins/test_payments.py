"""WhatsApp payments on the stand-in: the order our back-office sends, paying it, Meta's status webhook and lookup."""

from backoffice.payments.whatsapp_pay import order_details, parse_payment_status, truth_from_lookup

from .conftest import CITIZEN, GENERAL, REVENUE, TOKEN, say, send

CONFIGURATION = "seva-razorpay"
LINES = [
    {
        "code": "tax:2026-27",
        "label_en": "Property tax 2026-27",
        "label_hi": "संपत्ति कर 2026-27",
        "amount_paise": 840000,
    },
    {"code": "rebate_online", "label_en": "Rebate: online (2%)", "label_hi": "छूट", "amount_paise": -16800},
]


def order_message(reference: str, lines: list[dict] = LINES) -> dict:
    """The `order_details` message exactly as the back-office builds it."""
    interactive = order_details(reference, "Property tax. Reference " + reference, lines, CONFIGURATION)
    return {"messaging_product": "whatsapp", "to": CITIZEN, "type": "interactive", "interactive": interactive}


async def lookup(http, standin, reference: str, token: str = TOKEN) -> tuple[int, dict]:
    url = standin.graph(f"{GENERAL}/payments/{CONFIGURATION}/{reference}")
    async with http.get(url, headers={"Authorization": f"Bearer {token}"}) as response:
        return response.status, await response.json()


async def pay(http, standin, reference: str, **body) -> tuple[int, dict]:
    async with http.post(f"{standin.url}/_standin/payments/{reference}/pay", json=body) as response:
        return response.status, await response.json()


def payment_statuses(receiver) -> list[dict]:
    return [s for s in receiver.statuses() if s.get("type") == "payment"]


async def test_an_order_is_looked_up_as_pending_until_paid(http, standin):
    await say(http, standin)
    assert (await send(http, standin, order_message("SVPAAAAAAAAAAA2")))[0] == 200
    status, answer = await lookup(http, standin, "SVPAAAAAAAAAAA2")
    assert status == 200 and answer["payments"][0]["status"] == "pending"
    assert answer["payments"][0]["amount"] == {"value": 823200, "offset": 100}
    assert truth_from_lookup(answer).state == "open"


async def test_paying_posts_metas_signed_payment_status_and_the_lookup_says_captured(http, standin, receiver):
    await say(http, standin)
    _, sent = await send(http, standin, order_message("SVPBBBBBBBBBBB2"))
    status, paid = await pay(http, standin, "SVPBBBBBBBBBBB2", outcome="success", method="upi")
    assert status == 200 and paid["webhook_status"] == 200 and paid["status"] == "captured"
    await receiver.wait_for(lambda r: payment_statuses(r))
    [item] = payment_statuses(receiver)
    assert receiver.deliveries[-1].signature_valid  # X-Hub-Signature-256 over the raw body
    assert item["id"] == sent["messages"][0]["id"] and item["recipient_id"] == CITIZEN
    assert item["payment"]["transaction"] == {
        "id": paid["transaction_id"], "type": "razorpay", "status": "success", "method": {"type": "upi"}
    }  # fmt: skip
    update = parse_payment_status(item)
    assert (update.reference_id, update.status, update.transaction_status) == (
        "SVPBBBBBBBBBBB2",
        "captured",
        "success",
    )
    _, answer = await lookup(http, standin, "SVPBBBBBBBBBBB2")
    truth = truth_from_lookup(answer)
    assert (truth.state, truth.amount_paise, truth.payment_id, truth.method) == (
        "paid",
        823200,
        paid["transaction_id"],
        "upi",
    )


async def test_a_failed_attempt_then_a_successful_one(http, standin, receiver):
    await say(http, standin)
    await send(http, standin, order_message("SVPCCCCCCCCCCC2"))
    _, failed = await pay(http, standin, "SVPCCCCCCCCCCC2", outcome="failed")
    _, answer = await lookup(http, standin, "SVPCCCCCCCCCCC2")
    assert failed["status"] == "failed" and truth_from_lookup(answer).state == "failed"
    _, paid = await pay(http, standin, "SVPCCCCCCCCCCC2", outcome="success")
    assert paid["transaction_id"] != failed["transaction_id"]
    _, answer = await lookup(http, standin, "SVPCCCCCCCCCCC2")
    assert truth_from_lookup(answer).state == "paid" and len(answer["payments"][0]["transactions"]) == 2


async def test_an_order_cannot_be_paid_twice_and_a_status_can_be_posted_again(http, standin, receiver):
    await say(http, standin)
    await send(http, standin, order_message("SVPDDDDDDDDDDD2"))
    await pay(http, standin, "SVPDDDDDDDDDDD2", outcome="success")
    status, refused = await pay(http, standin, "SVPDDDDDDDDDDD2", outcome="success")
    assert status == 409 and "already paid" in refused["error"]
    assert (
        len(payment_statuses(receiver)) == 1
    )  # the refused attempt posted nothing (posts finish before answers)
    async with http.post(f"{standin.url}/_standin/payments/SVPDDDDDDDDDDD2/resend") as response:
        assert response.status == 200
    await receiver.wait_for(lambda r: len(payment_statuses(r)) == 2)
    first, again = payment_statuses(receiver)
    assert first["payment"]["transaction"]["id"] == again["payment"]["transaction"]["id"]


async def test_a_reused_reference_for_another_amount_an_unknown_one_and_a_wrong_token_are_refused(
    http, standin
):
    await say(http, standin)
    await send(http, standin, order_message("SVPEEEEEEEEEEE2"))
    cheaper = [{**LINES[0], "amount_paise": 100000}]
    status, body = await send(http, standin, order_message("SVPEEEEEEEEEEE2", cheaper))
    assert (status, body["error"]["code"]) == (400, 131009)
    status, body = await lookup(http, standin, "SVPUNKNOWNREF22")
    assert status == 400 and body["error"]["error_subcode"] == 33
    status, body = await lookup(http, standin, "SVPEEEEEEEEEEE2", token="wrong")
    assert status == 401 and body["error"]["code"] == 190
    assert (await pay(http, standin, "SVPUNKNOWNREF22", outcome="success"))[0] == 404
    assert (await pay(http, standin, "SVPEEEEEEEEEEE2", outcome="maybe"))[0] == 400
    assert attempts_recorded(standin) == 0


def attempts_recorded(standin) -> int:
    """How many payment attempts the stand-in recorded, across all orders."""
    return sum(len(order.transactions) for order in standin.api.payments.orders.values())


async def test_the_same_order_sent_again_is_fine_and_its_items_are_remembered(http, standin):
    await say(http, standin)
    _, first = await send(http, standin, order_message("SVPFFFFFFFFFFF2"))
    status, again = await send(http, standin, order_message("SVPFFFFFFFFFFF2"))
    assert status == 200
    [order] = standin.api.payments.orders.values()
    assert order.wamid == again["messages"][0]["id"] != first["messages"][0]["id"]
    assert [item["name"] for item in order.items] == ["Property tax 2026-27"]
    assert (order.wa_id, order.value, order.currency) == (CITIZEN, 823200, "INR")


async def test_a_reference_belongs_to_one_number_and_configuration(http, standin, auth):
    await say(http, standin)
    await say(http, standin, phone_number_id=REVENUE)
    await send(http, standin, order_message("SVPGGGGGGGGGGG2"))
    cheaper = [{**LINES[0], "amount_paise": 100000}]
    status, _ = await send(http, standin, order_message("SVPGGGGGGGGGGG2", cheaper), number=REVENUE)
    assert status == 200  # another number may use the same reference for its own order
    url = standin.graph(f"{GENERAL}/payments/other-config/SVPGGGGGGGGGGG2")
    async with http.get(url, headers=auth) as response:
        assert response.status == 400 and (await response.json())["error"]["code"] == 100
    status, refused = await pay(http, standin, "SVPGGGGGGGGGGG2", outcome="success")
    assert status == 409 and "several numbers" in refused["error"]
    status, _ = await pay(
        http,
        standin,
        "SVPGGGGGGGGGGG2",
        outcome="success",
        phone_number_id=REVENUE,
        configuration_name=CONFIGURATION,
    )
    assert status == 200
    _, general = await lookup(http, standin, "SVPGGGGGGGGGGG2")
    assert general["payments"][0]["status"] == "pending"


async def test_another_amount_paid_shows_in_the_status_and_the_transaction(http, standin, receiver):
    await say(http, standin)
    await send(http, standin, order_message("SVPHHHHHHHHHHH2"))
    status, _ = await pay(http, standin, "SVPHHHHHHHHHHH2", outcome="success", method="card", amount=500000)
    assert status == 200
    await receiver.wait_for(lambda r: payment_statuses(r))
    [item] = payment_statuses(receiver)
    assert item["payment"]["amount"] == {"value": 500000, "offset": 100}
    _, answer = await lookup(http, standin, "SVPHHHHHHHHHHH2")
    [payment] = answer["payments"]
    assert payment["amount"] == {"value": 823200, "offset": 100}  # the order's total
    assert payment["transactions"][0]["amount"] == {"value": 500000, "offset": 100}
    assert payment["transactions"][0]["method"] == {"type": "card"}
    # The back-office reads what was charged, so it can flag the mismatch instead of confirming.
    assert truth_from_lookup(answer).amount_paise == 500000


async def test_a_pending_attempt_leaves_the_order_pending(http, standin, receiver):
    await say(http, standin)
    await send(http, standin, order_message("SVPJJJJJJJJJJJ2"))
    _, attempt = await pay(http, standin, "SVPJJJJJJJJJJJ2", outcome="pending", method="netbanking")
    assert attempt["status"] == "pending"
    await receiver.wait_for(lambda r: payment_statuses(r))
    assert payment_statuses(receiver)[0]["payment"]["transaction"]["status"] == "pending"
    _, answer = await lookup(http, standin, "SVPJJJJJJJJJJJ2")
    assert answer["payments"][0]["status"] == "pending" and truth_from_lookup(answer).state == "open"


async def test_an_order_without_a_gateway_or_with_items_not_adding_up_is_refused(http, standin):
    await say(http, standin)
    message = order_message("SVPLLLLLLLLLLL2")
    del message["interactive"]["action"]["parameters"]["payment_settings"]
    status, body = await send(http, standin, message)
    assert (status, body["error"]["code"]) == (400, 100) and "payment_settings" in body["error"]["message"]
    message = order_message("SVPLLLLLLLLLLL2")
    message["interactive"]["action"]["parameters"]["order"]["items"][0]["quantity"] = 2
    status, body = await send(http, standin, message)
    assert (status, body["error"]["code"]) == (400, 131009)
    assert "subtotal" in body["error"]["error_data"]["details"]
    assert standin.api.payments.orders == {}
