// Writes real pacts with pact-js 16 into a directory (argv[2]) for the round-trip tests:
// a V3 HTTP pact (PactV3), a V3 message pact (MessageConsumerPact), and a V4 pact with HTTP,
// asynchronous and synchronous message interactions (PactV4), using matchers and generators.
"use strict";

const assert = require("node:assert/strict");
const path = require("node:path");
const {
  PactV3,
  PactV4,
  MatchersV3,
  MessageConsumerPact,
  synchronousBodyHandler,
} = require("@pact-foundation/pact");

const { like, integer, decimal, regex, datetime, eachLike, fromProviderState, uuid, boolean } = MatchersV3;
const dir = path.resolve(process.argv[2]);
const PNG = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");

const order = {
  id: fromProviderState("${orderId}", 1001),
  ref: regex("^[A-Z]{2}-\\d+$", "AB-12"),
  total: decimal(9.5),
  paid: boolean(true),
  createdAt: datetime("yyyy-MM-dd'T'HH:mm:ss", "2024-01-02T03:04:05"),
  key: uuid("6f1c8a3e-8d2b-4f6e-9a1c-2b3d4e5f6a7b"),
  lines: eachLike({ sku: like("A-1"), qty: integer(2) }, 1),
};

async function v3Http() {
  const pact = new PactV3({ consumer: "JsConsumer", provider: "JsProviderV3", dir, logLevel: "error" });
  pact
    .given("an order", { orderId: 7 })
    .uponReceiving("get order 7")
    .withRequest({ method: "GET", path: "/orders/7", query: { expand: ["lines", "totals"] }, headers: { Accept: "application/json" } })
    .willRespondWith({ status: 200, headers: { "Content-Type": "application/json" }, body: order });
  pact
    .uponReceiving("create an order from XML")
    .withRequest({ method: "POST", path: "/orders", headers: { "Content-Type": "application/xml" }, body: "<order><sku>A-1</sku></order>" })
    .willRespondWith({ status: 201, headers: { Location: regex(".*/orders/\\d+", "http://localhost/orders/8") } });
  await pact.executeTest(async (server) => {
    const got = await fetch(`${server.url}/orders/7?expand=lines&expand=totals`, { headers: { Accept: "application/json" } });
    assert.equal(got.status, 200);
    const created = await fetch(`${server.url}/orders`, {
      method: "POST",
      headers: { "Content-Type": "application/xml" },
      body: "<order><sku>A-1</sku></order>",
    });
    assert.equal(created.status, 201);
  });
}

async function v3Messages() {
  const messages = new MessageConsumerPact({ consumer: "JsConsumer", provider: "JsEventsV3", dir, logLevel: "error" });
  await messages
    .given("an order", { orderId: 7 })
    .expectsToReceive("an order created event")
    .withContent({ orderId: integer(7), total: decimal(9.5) })
    .withMetadata({ "content-type": "application/json", topic: "orders" })
    .verify(synchronousBodyHandler(async (body) => assert.equal(body.orderId, 7)));
}

async function v4() {
  const pact = new PactV4({ consumer: "JsConsumer", provider: "JsProviderV4", dir, logLevel: "error" });
  await pact
    .addInteraction()
    .given("an order", { orderId: 7 })
    .pending(false)
    .comment("checked by the round-trip test")
    .uponReceiving("get order 7 (v4)")
    .withRequest("GET", "/orders/7", (b) => b.headers({ Accept: "application/json" }).query({ expand: "lines" }))
    .willRespondWith(200, (b) => b.headers({ "Content-Type": "application/json" }).jsonBody(order))
    .executeTest(async (server) => {
      const res = await fetch(`${server.url}/orders/7?expand=lines`, { headers: { Accept: "application/json" } });
      assert.equal(res.status, 200);
    });
  await pact
    .addInteraction()
    .uponReceiving("get a label image")
    .withRequest("GET", "/orders/7/label")
    .willRespondWith(200, (b) => b.body("image/png", PNG))
    .executeTest(async (server) => {
      const res = await fetch(`${server.url}/orders/7/label`);
      assert.equal(res.status, 200);
    });
  await pact
    .addAsynchronousInteraction()
    .given("an order", { orderId: 7 })
    .expectsToReceive("an order shipped event", (b) =>
      b.withJSONContent({ orderId: integer(7), carrier: like("DHL") }).withMetadata({ topic: "shipping" }),
    )
    .executeTest(async (message) => assert.ok(message));
  await pact
    .addSynchronousInteraction("a stock query")
    .given("stock for A-1")
    .withRequest((b) => b.withJSONContent({ sku: like("A-1") }))
    .withResponse((b) => b.withJSONContent({ available: integer(3) }).withMetadata({ queue: "stock-replies" }))
    .executeTest(async (message) => assert.ok(message));
}

(async () => {
  await v3Http();
  await v3Messages();
  await v4();
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
