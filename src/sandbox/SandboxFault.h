#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

#include <optional>

namespace zenml::sandbox {

// A misbehaviour for tests of the client: a slow answer, a proxy's HTML error page, a 401 in
// the middle of a session, a connection that breaks, a body too large to hold. Requests below
// the API root that match method and path are counted; after `skip` of them the next `times`
// are answered with the fault. Set in-process (SandboxServer::addFault), on the command line
// (--fault, parsed by parseFault) or at run time (POST /_sandbox/faults).
struct SandboxFault
{
    // Where the connection is closed instead of finishing the answer.
    enum class Drop
    {
        None,
        BeforeStatus, // not a byte of the answer is sent
        BeforeBody, // the status line and headers (with the full Content-Length), no body
        MidBody, // half the announced body
    };

    QByteArray method; // "GET", "POST", ...; empty matches every method
    QString path; // below the API root, e.g. "/users" or "/users/*"; empty matches every path
    int skip = 0;
    int times = 1; // negative: every matching request from then on
    int delayMs = 0;
    // Non-zero: this status, content type, body and headers replace the answer and the
    // request is not handled. Zero: the request is handled (a POST creates its user) and the
    // transforms below apply to the control plane's own answer.
    int status = 0;
    QByteArray contentType = QByteArrayLiteral("application/json");
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;

    Drop drop = Drop::None;
    qint64 truncateTo = -1; // the body cut to this many bytes (a complete HTTP message); -1 none
    bool truncateHalf = false; // the body cut to half its length
    qint64 hugeBytes = 0; // the body replaced by a JSON array of users this long, streamed
    bool announceLength = true; // false: no Content-Length, the end of the body is the close
    int trickleMs = 0; // the body sent in eight pieces, this long apart
    QByteArray badUtf8Field; // invalid UTF-8 put into every string value of this JSON field
    std::optional<QString> redirectOrigin; // "" the sandbox itself, else "http://host:port"

    // The text form, as parseFault() reads it.
    QString spec;
};

// Reads one fault in the command-line syntax (see faultSyntaxHelp()). On failure returns
// nothing and sets *error to the reason.
std::optional<SandboxFault> parseFault(const QString& text, QString* error);

// The syntax of --fault and of POST /_sandbox/faults, for --help.
QString faultSyntaxHelp();

// A reverse proxy's error page in nginx's words, for 413, 502, 504 and any other status.
QByteArray nginxErrorPage(int status);

// The standard reason phrase of a status ("Bad Gateway"), "Unknown" when there is none.
QByteArray statusReason(int status);

} // namespace zenml::sandbox
