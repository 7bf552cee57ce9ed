#pragma once

#include "sandbox/UserRecord.h"

#include <QByteArray>
#include <QJsonObject>

namespace zenml::sandbox {

// A user as the API shows it: every answer that carries a user comes from here.
QJsonObject userJson(const UserRecord& user);
// The compact bytes of userJson(), as QJsonDocument writes them.
QByteArray compactUserJson(const UserRecord& user);

} // namespace zenml::sandbox
