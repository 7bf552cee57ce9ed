#pragma once

#include "sandbox/SandboxFault.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

namespace zenml::sandbox {

// An answer of the control plane: FastAPI-style JSON, always with its content type.
struct ApiResponse
{
    int status = 200;
    QByteArray contentType = QByteArrayLiteral("application/json");
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;
    int delayMs = 0; // written this much later (an injected fault)
    // How an injected fault breaks the transport; see SandboxFault.
    SandboxFault::Drop drop = SandboxFault::Drop::None;
    qint64 hugeBytes = 0; // the body is a generated JSON array this long
    bool announceLength = true;
    int trickleMs = 0;

    // True when the answer is written byte by byte instead of by the HTTP server.
    bool isRaw() const
    {
        return drop != SandboxFault::Drop::None || hugeBytes > 0 || trickleMs > 0;
    }

    static ApiResponse json(int status, const QJsonObject& object);
    static ApiResponse json(int status, const QJsonArray& array);
    // A body that is already compact JSON.
    static ApiResponse json(int status, QByteArray body);
    // {"detail": "message"}; a 401 also carries WWW-Authenticate: Bearer.
    static ApiResponse detail(int status, const QString& message);
    // 422 {"detail": [{"type", "loc", "msg"}, ...]}
    static ApiResponse validation(const QJsonArray& errors);
    static QJsonObject validationError(
        const QStringList& location, const QString& message, const QString& type);
};

} // namespace zenml::sandbox
