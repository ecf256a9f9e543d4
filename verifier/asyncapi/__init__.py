"""`tether verify asyncapi`: message pacts against AsyncAPI documents (the engine is `contracts.asyncapi`)."""
