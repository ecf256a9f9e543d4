// OrderMobile's consumer test, written with pact-js 16 (PactV4 + MatchersV3).
// It runs a tiny client of OrdersApi against pact-js's mock server and writes
// examples/pacts/OrderMobile-OrdersApi.json, which is checked in.
//
// Run from the repository root (the npm tools live in .cache/npm-tools, see README.md):
//   PACT_DO_NOT_TRACK=true NODE_PATH=.cache/npm-tools/node_modules node examples/consumers/mobile/generate-pact.cjs [OUT_DIR]
"use strict";

const path = require("node:path");
const assert = require("node:assert/strict");
const { PactV4, MatchersV3 } = require("@pact-foundation/pact");

const { like, integer, decimal, regex, datetime, eachLike, fromProviderState, string } = MatchersV3;

const outDir = path.resolve(process.argv[2] || path.join(__dirname, "..", "..", "pacts"));
const JSON_TYPE = "application/json";
const CREATED_AT = "yyyy-MM-dd'T'HH:mm:ss'Z'";

// The mobile app's client code: what the consumer test exercises.
const ordersClient = (baseUrl) => ({
  async product(id) {
    const res = await fetch(`${baseUrl}/products/${id}`, { headers: { Accept: JSON_TYPE } });
    assert.equal(res.status, 200);
    return res.json();
  },
  async order(id) {
    const res = await fetch(`${baseUrl}/orders/${id}`, { headers: { Accept: JSON_TYPE } });
    return res.status === 404 ? null : res.json();
  },
  async placeOrder(productId, quantity) {
    const res = await fetch(`${baseUrl}/orders`, {
      method: "POST",
      headers: { Accept: JSON_TYPE, "Content-Type": JSON_TYPE },
      body: JSON.stringify({ productId, quantity }),
    });
    assert.equal(res.status, 201);
    return { location: res.headers.get("location"), order: await res.json() };
  },
  async cancel(id) {
    const res = await fetch(`${baseUrl}/orders/${id}`, { method: "DELETE" });
    assert.equal(res.status, 204);
  },
});

const product = {
  id: integer(1),
  name: string("Espresso cup"),
  price: decimal(9.5),
  currency: regex("^[A-Z]{3}$", "EUR"),
  tags: eachLike("kitchen", 0),
};

const order = {
  id: fromProviderState("${orderId}", 1001),
  productId: integer(1),
  quantity: integer(1),
  total: decimal(9.5),
  status: regex("^(pending|confirmed|cancelled)$", "pending"),
  createdAt: datetime(CREATED_AT, "2026-01-02T03:04:05Z"),
};

async function main() {
  const pact = new PactV4({ consumer: "OrderMobile", provider: "OrdersApi", dir: outDir, logLevel: "warn" });

  await pact
    .addInteraction()
    .given("a product exists", { id: 1 })
    .uponReceiving("a request for the product shown on the product page")
    .withRequest("GET", "/products/1", (b) => b.headers({ Accept: JSON_TYPE }))
    .willRespondWith(200, (b) => b.headers({ "Content-Type": JSON_TYPE }).jsonBody(product))
    .executeTest(async (server) => {
      const body = await ordersClient(server.url).product(1);
      assert.equal(body.name, "Espresso cup");
    });

  await pact
    .addInteraction()
    .given("a product exists", { id: 1 })
    .uponReceiving("a request to order one espresso cup from the app")
    .withRequest("POST", "/orders", (b) =>
      b.headers({ Accept: JSON_TYPE, "Content-Type": JSON_TYPE }).jsonBody({ productId: 1, quantity: 1 }),
    )
    .willRespondWith(201, (b) =>
      b
        .headers({ "Content-Type": JSON_TYPE, Location: regex("^/orders/[0-9]+$", "/orders/1001") })
        .jsonBody({ ...order, id: integer(1001) }),
    )
    .executeTest(async (server) => {
      const { location, order: created } = await ordersClient(server.url).placeOrder(1, 1);
      assert.equal(location, `/orders/${created.id}`);
    });

  await pact
    .addInteraction()
    .given("an order exists", { productId: 1, quantity: 1 })
    .uponReceiving("a request for an order's status")
    .withRequest("GET", fromProviderState("/orders/${orderId}", "/orders/1001"), (b) =>
      b.headers({ Accept: JSON_TYPE }),
    )
    .willRespondWith(200, (b) => b.headers({ "Content-Type": JSON_TYPE }).jsonBody(order))
    .executeTest(async (server) => {
      const body = await ordersClient(server.url).order(1001);
      assert.equal(body.status, "pending");
    });

  await pact
    .addInteraction()
    .given("an order exists", { productId: 1, quantity: 1 })
    .uponReceiving("a request to cancel an order")
    .withRequest("DELETE", fromProviderState("/orders/${orderId}", "/orders/1001"))
    .willRespondWith(204)
    .executeTest(async (server) => {
      await ordersClient(server.url).cancel(1001);
    });

  await pact
    .addInteraction()
    .given("no order exists", { id: 4242 })
    .uponReceiving("a request for an order that does not exist")
    .withRequest("GET", "/orders/4242", (b) => b.headers({ Accept: JSON_TYPE }))
    .willRespondWith(404, (b) =>
      b.headers({ "Content-Type": JSON_TYPE }).jsonBody({ error: like("not_found"), message: like("order 4242 does not exist") }),
    )
    .executeTest(async (server) => {
      assert.equal(await ordersClient(server.url).order(4242), null);
    });

  console.log(`wrote ${path.join(outDir, "OrderMobile-OrdersApi.json")}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
