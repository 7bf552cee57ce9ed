#pragma once

#include "sandbox/UserRecord.h"

#include <QByteArray>
#include <QJsonObject>

namespace zenml::sandbox {

// A user as the API shows it. Every answer that carries a user comes from here: the store
// keeps each user's compact form for the listing, the other answers serialise afresh, and the
// two must never differ.
QJsonObject userJson(const UserRecord& user);
// The compact bytes of userJson(), as QJsonDocument writes them.
QByteArray compactUserJson(const UserRecord& user);

// The compact JSON of sample users that set and leave out every field. A database keeps the
// fingerprint of the serialiser that wrote its cached JSON; when the fingerprint of this build
// differs, the cache is written anew.
QByteArray userJsonFingerprint();

} // namespace zenml::sandbox
