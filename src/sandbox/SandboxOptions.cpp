#include "sandbox/SandboxOptions.h"

namespace zenml::sandbox {

QString toString(ExpiredPasswordLogin value)
{
    return value == ExpiredPasswordLogin::Allowed ? QStringLiteral("ok")
                                                  : QStringLiteral("forbidden");
}

QString toString(ListShape value)
{
    return value == ListShape::Array ? QStringLiteral("array") : QStringLiteral("envelope");
}

QString toString(PatchName value)
{
    return value == PatchName::DisplayName ? QStringLiteral("display") : QStringLiteral("username");
}

std::optional<ExpiredPasswordLogin> expiredPasswordLoginFromString(const QString& text)
{
    if (text == u"ok")
        return ExpiredPasswordLogin::Allowed;
    if (text == u"forbidden")
        return ExpiredPasswordLogin::Forbidden;
    return std::nullopt;
}

std::optional<ListShape> listShapeFromString(const QString& text)
{
    if (text == u"array")
        return ListShape::Array;
    if (text == u"envelope")
        return ListShape::Envelope;
    return std::nullopt;
}

std::optional<PatchName> patchNameFromString(const QString& text)
{
    if (text == u"display")
        return PatchName::DisplayName;
    if (text == u"username")
        return PatchName::Username;
    return std::nullopt;
}

QString seededPassword()
{
    return QStringLiteral("seeded-password");
}

} // namespace zenml::sandbox
