#include "sandbox/ApiResponse.h"

#include <QJsonDocument>

namespace zenml::sandbox {

ApiResponse ApiResponse::json(int status, const QJsonObject& object)
{
    ApiResponse response;
    response.status = status;
    response.body = QJsonDocument(object).toJson(QJsonDocument::Compact);
    return response;
}

ApiResponse ApiResponse::json(int status, const QJsonArray& array)
{
    ApiResponse response;
    response.status = status;
    response.body = QJsonDocument(array).toJson(QJsonDocument::Compact);
    return response;
}

ApiResponse ApiResponse::json(int status, QByteArray body)
{
    ApiResponse response;
    response.status = status;
    response.body = std::move(body);
    return response;
}

ApiResponse ApiResponse::detail(int status, const QString& message)
{
    ApiResponse response = json(status, QJsonObject { { QStringLiteral("detail"), message } });
    if (status == 401)
        response.headers.append(
            { QByteArrayLiteral("WWW-Authenticate"), QByteArrayLiteral("Bearer") });
    return response;
}

ApiResponse ApiResponse::validation(const QJsonArray& errors)
{
    return json(422, QJsonObject { { QStringLiteral("detail"), errors } });
}

QJsonObject ApiResponse::validationError(
    const QStringList& location, const QString& message, const QString& type)
{
    return QJsonObject { { QStringLiteral("type"), type },
        { QStringLiteral("loc"), QJsonArray::fromStringList(location) },
        { QStringLiteral("msg"), message } };
}

} // namespace zenml::sandbox
