#pragma once

#include "sandbox/UserRecord.h"

#include <QByteArray>

namespace zenml::sandbox {

// A user as the API shows it, as compact JSON. Every answer that carries a user is these
// bytes, and the store keeps them with each user for the listing, so the two never differ.
// Written directly, not through QJsonObject (five times faster, which seeding 100,000 users
// notices), and byte for byte what QJsonDocument::toJson(Compact) writes for the same object:
// keys in sorted order, its escaping, metadata as a JSON object. A field added here is also a
// column for the store's trigger to watch (UserStore.cpp).
QByteArray userJson(const UserRecord& user);

// The JSON of sample users that set and leave out every field. A database keeps the
// fingerprint of the serialiser that wrote its cached JSON; when the fingerprint of this build
// differs, the cache is written anew.
QByteArray userJsonFingerprint();

} // namespace zenml::sandbox
