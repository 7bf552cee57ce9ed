#include "ApiClient.h"

#include "ApiClientPrivate.h"
#include "WireDecoding.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>
#if QT_CONFIG(ssl)
#include <QSslError>
#endif

#include <nlohmann/json.hpp>

Q_LOGGING_CATEGORY(lcApi, "zenml.api", QtInfoMsg)

namespace zenml::controlplane {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("zenml::controlplane", text);
}

ApiError makeError(ApiError::Kind kind, const QString& message)
{
    ApiError error;
    error.kind = kind;
    error.message = message;
    return error;
}

QString serverOf(const QUrl& url)
{
    const int defaultPort = url.scheme() == QLatin1String("http") ? 80 : 443;
    return url.host(QUrl::FullyDecoded) + QLatin1Char(':') + QString::number(url.port(defaultPort));
}

// "scheme://host:port" of a Location header, for a message: no path, query or user info,
// which could carry anything.
QString originOf(const QUrl& requestUrl, const QByteArray& location)
{
    const QUrl target = requestUrl.resolved(QUrl::fromEncoded(location.trimmed()));
    if (!target.isValid() || target.host().isEmpty())
        return {};
    return target.scheme() + QStringLiteral("://") + serverOf(target);
}

} // namespace

QUrl apiRootFromUserInput(const QString& typed, QString* error)
{
    auto fail = [error](const QString& why) {
        if (error)
            *error = why;
        return QUrl();
    };

    const QString text = typed.trimmed();
    if (text.isEmpty())
        return fail(tr("Enter the server's address, for example https://zenml.example.com."));
    for (const QChar c : text) {
        if (c.isSpace() || c.category() == QChar::Other_Control)
            return fail(tr("The server address must not contain spaces."));
    }

    // The text is not echoed in messages: it may hold credentials typed in the wrong place.
    const bool hasScheme = text.contains(QLatin1String("://"));
    QUrl url(hasScheme ? text : QStringLiteral("https://") + text, QUrl::TolerantMode);
    if (!url.isValid())
        return fail(tr("This is not a valid server address. Check the name and the port."));
    const QString scheme = url.scheme().toLower();
    if (scheme != QLatin1String("https") && scheme != QLatin1String("http")) {
        return fail(tr("The server address must start with https:// (or http://); "
                       "\"%1://\" is not supported.")
                        .arg(url.scheme()));
    }
    if (url.host().isEmpty())
        return fail(tr("The server address has no server name."));
    if (!url.userInfo().isEmpty())
        return fail(tr("Give the username and password separately, never inside the address."));
    if (url.hasQuery() || url.hasFragment())
        return fail(tr("The server address must not contain a \"?\" or \"#\" part."));

    // Keep any prefix a reverse proxy serves the API under; add /api/v1 unless it is there.
    QString path = url.path(QUrl::FullyEncoded);
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    if (!path.endsWith(QLatin1String("/api/v1")))
        path += QLatin1String("/api/v1");
    url.setScheme(scheme);
    url.setPath(path, QUrl::StrictMode);
    if (!url.isValid())
        return fail(tr("This is not a valid server address."));
    if (error)
        error->clear();
    return url;
}

ApiClient::ApiClient(QNetworkAccessManager* network, QObject* parent)
    : QObject(parent)
    , m_network(network)
{
    Q_ASSERT(network);
}

ApiClient::~ApiClient()
{
    // Callbacks are not called from here: their owners may be half destroyed already.
    const auto retries = std::exchange(m_retries, {});
    for (auto it = retries.cbegin(); it != retries.cend(); ++it) {
        disconnect(it.key(), nullptr, this, nullptr);
        delete it.key();
    }
    const QList<QNetworkReply*> replies = std::exchange(m_replies, {});
    for (QNetworkReply* reply : replies) {
        disconnect(reply, nullptr, this, nullptr);
        reply->abort();
        reply->deleteLater();
    }
}

void ApiClient::setApiRoot(const QUrl& apiRoot)
{
    m_apiRoot = apiRoot;
}

void ApiClient::setAccessToken(const QString& token)
{
    m_accessToken = token;
}

void ApiClient::setTimeout(std::chrono::milliseconds timeout)
{
    m_timeout = timeout;
}

void ApiClient::setMaxBodyBytes(qint64 bytes)
{
    m_maxBodyBytes = bytes;
}

void ApiClient::setMaxRetryAfter(std::chrono::seconds wait)
{
    m_maxRetryAfter = wait;
}

void ApiClient::abortAll()
{
    // A retry waiting for its Retry-After is a request in flight too.
    const auto retries = std::exchange(m_retries, {});
    for (auto it = retries.cbegin(); it != retries.cend(); ++it) {
        disconnect(it.key(), nullptr, this, nullptr);
        it.key()->stop();
        it.key()->deleteLater();
        it.value()();
    }

    // Each abort finishes its reply at once, which calls its callback with Cancelled.
    const QList<QNetworkReply*> replies = m_replies;
    for (QNetworkReply* reply : replies) {
        if (m_replies.contains(reply))
            reply->abort();
    }
}

void ApiClient::failSoon(QObject* context, AnswerHandler handler, const ApiError& error)
{
    // Callbacks never run inside the call that started the request.
    QTimer::singleShot(0, context ? context : this, [handler = std::move(handler), error] {
        Answer answer;
        answer.error = error;
        handler(answer);
    });
}

QNetworkReply* ApiClient::send(const Request& request, QObject* context, AnswerHandler handler)
{
    return sendAttempt(request, context, std::move(handler), /*isRetry=*/false);
}

void ApiClient::retryLater(
    const Request& request, QObject* context, AnswerHandler handler, std::chrono::milliseconds wait)
{
    // The timer belongs to the context: if the caller goes away meanwhile, so does the retry.
    auto* timer = new QTimer(context ? context : this);
    timer->setSingleShot(true);
    m_retries.insert(timer, [handler] {
        Answer answer;
        answer.error = makeError(ApiError::Kind::Cancelled, tr("The request was cancelled."));
        handler(answer);
    });
    connect(timer, &QObject::destroyed, this, [this, timer] { m_retries.remove(timer); });
    connect(timer, &QTimer::timeout, this, [this, timer, request, context, handler] {
        m_retries.remove(timer);
        disconnect(timer, nullptr, this, nullptr);
        timer->deleteLater();
        sendAttempt(request, context, handler, /*isRetry=*/true);
    });
    timer->start(wait);
}

QNetworkReply* ApiClient::sendAttempt(
    const Request& request, QObject* context, AnswerHandler handler, bool isRetry)
{
    if (!m_apiRoot.isValid() || m_apiRoot.isRelative()) {
        failSoon(context, std::move(handler),
            makeError(ApiError::Kind::Network, tr("No server address is set.")));
        return nullptr;
    }

    const QUrl url = endpointUrl(m_apiRoot, request.encodedPath, request.encodedQuery);
    QNetworkRequest networkRequest(url);
    networkRequest.setRawHeader("Accept", "application/json");
    // A redirect to another host must not carry the token or a password along.
    networkRequest.setAttribute(
        QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::SameOriginRedirectPolicy);
    if (!request.contentType.isEmpty())
        networkRequest.setHeader(QNetworkRequest::ContentTypeHeader, request.contentType);
    QStringList secrets = request.secrets;
    if (request.withToken && !m_accessToken.isEmpty()) {
        networkRequest.setRawHeader("Authorization", "Bearer " + m_accessToken.toUtf8());
        secrets << m_accessToken;
    }

    m_tls.prepare(networkRequest);
    QNetworkReply* reply = nullptr;
    if (request.verb == "GET")
        reply = m_network->get(networkRequest);
    else if (request.verb == "POST" && request.body.isEmpty())
        reply = m_network->sendCustomRequest(networkRequest, request.verb); // no body at all
    else if (request.verb == "POST")
        reply = m_network->post(networkRequest, request.body);
    else if (request.verb == "DELETE")
        reply = m_network->deleteResource(networkRequest);
    else
        reply = m_network->sendCustomRequest(networkRequest, request.verb, request.body);
    m_replies.append(reply);
    m_tls.watch(reply);

    struct State
    {
        QElapsedTimer clock;
        bool timedOut = false;
        bool tooLarge = false;
        QStringList tlsErrors;
    };
    auto state = std::make_shared<State>();
    state->clock.start();

    // A transfer timeout: restarted whenever bytes move, so a long listing is not cut off.
    const auto timeoutMs = int(m_timeout.count());
    if (timeoutMs > 0) {
        auto* timer = new QTimer(reply);
        timer->setSingleShot(true);
        timer->setInterval(timeoutMs);
        connect(timer, &QTimer::timeout, reply, [reply, state] {
            state->timedOut = true;
            reply->abort();
        });
        connect(reply, &QNetworkReply::downloadProgress, timer, [timer] { timer->start(); });
        connect(reply, &QNetworkReply::uploadProgress, timer, [timer] { timer->start(); });
        connect(reply, &QNetworkReply::finished, timer, &QTimer::stop);
        timer->start();
    }
    // A body larger than the limit is refused as soon as it is announced or has arrived, so
    // that it never sits in memory whole.
    const qint64 maxBody = m_maxBodyBytes;
    if (maxBody > 0) {
        const auto refuse = [reply, state] {
            if (state->tooLarge)
                return;
            state->tooLarge = true;
            reply->abort();
        };
        connect(reply, &QNetworkReply::metaDataChanged, this, [reply, maxBody, refuse] {
            bool ok = false;
            const qint64 announced = reply->rawHeader("Content-Length").trimmed().toLongLong(&ok);
            if (ok && announced > maxBody)
                refuse();
        });
        connect(reply, &QNetworkReply::downloadProgress, this,
            [maxBody, refuse](qint64 received, qint64) {
                if (received > maxBody)
                    refuse();
            });
    }
#if QT_CONFIG(ssl)
    // Only recorded for the message: certificate trust is decided before a request is made,
    // never by ignoring errors here.
    connect(reply, &QNetworkReply::sslErrors, this, [state](const QList<QSslError>& errors) {
        for (const QSslError& error : errors)
            state->tlsErrors << error.errorString();
    });
#endif

    const QPointer<QObject> guard(context);
    const bool hasContext = context != nullptr;
    connect(reply, &QNetworkReply::finished, this,
        [this, reply, state, guard, hasContext, request, isRetry, secrets, url,
            handler = std::move(handler)] {
            m_replies.removeOne(reply);
            reply->deleteLater();

            ReplySnapshot snapshot;
            snapshot.httpStatus
                = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            snapshot.contentType = reply->rawHeader("Content-Type");
            snapshot.retryAfter = reply->rawHeader("Retry-After");
            snapshot.body = reply->isOpen() && !state->tooLarge ? reply->readAll() : QByteArray();
            snapshot.networkError = reply->error();
            snapshot.networkErrorText = scrubSecrets(reply->errorString(), secrets);
            snapshot.tlsErrors = state->tlsErrors;
            snapshot.timedOut = state->timedOut;
            snapshot.timeoutSeconds = int((m_timeout.count() + 999) / 1000);
            snapshot.tooLarge = state->tooLarge;
            snapshot.maxBodyBytes = m_maxBodyBytes;
            snapshot.server = serverOf(url);
            snapshot.scheme = url.scheme();
            const bool redirect = snapshot.httpStatus >= 300 && snapshot.httpStatus < 400;
            if (redirect || snapshot.networkError == QNetworkReply::InsecureRedirectError)
                snapshot.redirectOrigin = originOf(url, reply->rawHeader("Location"));

            // Wire detail without the query string, which may hold a password.
            const QString path = QString::fromLatin1(request.encodedPath);
            qCDebug(lcApi).noquote()
                << request.verb << path << snapshot.httpStatus << state->clock.elapsed() << "ms";

            Answer answer;
            answer.httpStatus = snapshot.httpStatus;
            answer.error = errorFromReply(snapshot);
            if (!answer.error && request.expectJson) {
                if (!request.parseJson) {
                    if (checkJsonContentType(snapshot, &answer.error))
                        answer.body = std::move(snapshot.body);
                } else if (auto document = parseJsonAnswer(snapshot, &answer.error)) {
                    answer.document = std::move(*document);
                }
            }
            answer.error.message = scrubSecrets(answer.error.message, secrets);
            if (answer.error) {
                qCDebug(lcApi).noquote()
                    << request.verb << path << "failed:" << ApiError::kindName(answer.error.kind)
                    << answer.error.message;
            }

            if (hasContext && !guard)
                return;

            // Rate limited: wait as asked, once, when the wait is short enough to sit through.
            if (answer.error.kind == ApiError::Kind::RateLimited && !isRetry) {
                const std::optional<int> wait = parseRetryAfter(snapshot.retryAfter);
                if (wait && *wait <= m_maxRetryAfter.count()) {
                    qCInfo(lcApi).noquote()
                        << request.verb << path << "was rate limited: sending it once more in"
                        << *wait << "s";
                    retryLater(request, hasContext ? guard.data() : nullptr, handler,
                        std::chrono::seconds(*wait));
                    return;
                }
            }
            // The token ran out or was revoked: sign in again once, then send this once more.
            if (answer.error.kind == ApiError::Kind::Unauthorized && request.withToken
                && !request.afterReauthentication && m_reauthenticate) {
                reauthenticateThenRetry(
                    request, hasContext ? guard.data() : nullptr, handler, answer);
                return;
            }
            handler(answer);
        });
    return reply;
}

void ApiClient::reauthenticateThenRetry(
    const Request& request, QObject* context, AnswerHandler handler, const Answer& refusal)
{
    m_waitingForToken.append({ std::make_shared<const Request>(request), context,
        context != nullptr, std::move(handler), std::make_shared<const Answer>(refusal) });
    if (m_reauthenticating)
        return;
    m_reauthenticating = true;
    m_reauthenticate([this](bool signedInAgain) {
        m_reauthenticating = false;
        const QList<WaitingForToken> waiting = std::exchange(m_waitingForToken, {});
        for (const WaitingForToken& entry : waiting) {
            if (entry.hasContext && !entry.context)
                continue;
            if (!signedInAgain) {
                entry.handler(*entry.refusal);
                continue;
            }
            Request again = *entry.request;
            again.afterReauthentication = true;
            sendAttempt(again, entry.context.data(), entry.handler, /*isRetry=*/false);
        }
    });
}

void ApiClient::sendForUser(const Request& request, QObject* context, UserCallback done)
{
    send(request, context, [done = std::move(done)](const Answer& answer) {
        if (answer.error) {
            done({}, answer.error);
            return;
        }
        QString problem;
        const auto user = decodeUserAnswer(answer.document, &problem);
        if (!user) {
            done({}, malformedAnswer(answer.httpStatus, problem));
            return;
        }
        done(*user, {});
    });
}

void ApiClient::login(
    const QString& username, const QString& password, QObject* context, LoginCallback done)
{
    sendLogin(username, password, {}, context, std::move(done));
}

void ApiClient::loginWithNewPassword(const QString& username, const QString& password,
    const QString& newPassword, QObject* context, LoginCallback done)
{
    sendLogin(username, password, newPassword, context, std::move(done));
}

void ApiClient::sendLogin(const QString& username, const QString& password,
    const QString& newPassword, QObject* context, LoginCallback done)
{
    Request request;
    request.verb = "POST";
    request.encodedPath = "/auth/login";
    QList<std::pair<QString, QString>> fields
        = { { QStringLiteral("username"), username }, { QStringLiteral("password"), password } };
    if (!newPassword.isEmpty())
        fields.append({ QStringLiteral("new_password"), newPassword });
    request.body = encodeForm(fields);
    request.contentType = "application/x-www-form-urlencoded";
    request.withToken = false;
    request.secrets = { password, newPassword };
    send(request, context, [done = std::move(done)](const Answer& answer) {
        if (answer.error) {
            done({}, answer.error);
            return;
        }
        QString problem;
        const auto result
            = decodeLoginAnswer(answer.document, QDateTime::currentDateTimeUtc(), &problem);
        if (!result) {
            done({}, malformedAnswer(answer.httpStatus, problem));
            return;
        }
        done(*result, {});
    });
}

void ApiClient::logout(QObject* context, DoneCallback done)
{
    Request request;
    request.verb = "POST";
    request.encodedPath = "/auth/logout";
    request.expectJson = false;
    send(request, context, [done = std::move(done)](const Answer& answer) { done(answer.error); });
}

void ApiClient::fetchCurrentUser(QObject* context, UserCallback done)
{
    Request request;
    request.verb = "GET";
    request.encodedPath = "/users/me";
    sendForUser(request, context, std::move(done));
}

void ApiClient::fetchUser(const QString& idOrEmail, QObject* context, UserCallback done)
{
    if (idOrEmail.isEmpty()) {
        failSoon(
            context, [done](const Answer& answer) { done({}, answer.error); },
            makeError(ApiError::Kind::Validation, tr("No user was named.")));
        return;
    }
    Request request;
    request.verb = "GET";
    request.encodedPath = "/users/" + encodePathSegment(idOrEmail);
    sendForUser(request, context, std::move(done));
}

void ApiClient::createUser(const NewUser& user, QObject* context, UserCallback done)
{
    // The contract takes these as query parameters, not as a body.
    QList<std::pair<QString, QString>> fields = { { QStringLiteral("username"), user.username },
        { QStringLiteral("password"), user.password } };
    if (user.isSuperuser)
        fields.append({ QStringLiteral("is_superuser"), QStringLiteral("true") });

    Request request;
    request.verb = "POST";
    request.encodedPath = "/users";
    request.encodedQuery = encodeForm(fields);
    request.secrets = { user.password };
    sendForUser(request, context, std::move(done));
}

namespace {

QByteArray patchBody(const UserPatch& patch)
{
    nlohmann::json body = nlohmann::json::object();
    if (patch.name)
        body["name"] = patch.name->toStdString();
    if (patch.isSuperuser)
        body["is_superuser"] = *patch.isSuperuser;
    if (patch.password)
        body["password"] = patch.password->toStdString();
    if (patch.isActive)
        body["is_active"] = *patch.isActive;
    const std::string text = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return QByteArray(text.data(), qsizetype(text.size()));
}

} // namespace

void ApiClient::updateUser(
    const QString& id, const UserPatch& patch, QObject* context, UserCallback done)
{
    if (id.isEmpty()) {
        failSoon(
            context, [done](const Answer& answer) { done({}, answer.error); },
            makeError(ApiError::Kind::Validation, tr("No user was named.")));
        return;
    }
    Request request;
    request.verb = "PATCH";
    request.encodedPath = "/users/" + encodePathSegment(id);
    request.body = patchBody(patch);
    request.contentType = "application/json";
    if (patch.password)
        request.secrets = { *patch.password };
    sendForUser(request, context, std::move(done));
}

void ApiClient::updateCurrentUser(const UserPatch& patch, QObject* context, UserCallback done)
{
    Request request;
    request.verb = "PATCH";
    request.encodedPath = "/users/me";
    request.body = patchBody(patch);
    request.contentType = "application/json";
    if (patch.password)
        request.secrets = { *patch.password };
    sendForUser(request, context, std::move(done));
}

void ApiClient::deleteUser(const QString& id, QObject* context, DoneCallback done)
{
    if (id.isEmpty()) {
        failSoon(
            context, [done](const Answer& answer) { done(answer.error); },
            makeError(ApiError::Kind::Validation, tr("No user was named.")));
        return;
    }
    Request request;
    request.verb = "DELETE";
    request.encodedPath = "/users/" + encodePathSegment(id);
    request.expectJson = false; // 200 with a body and 204 without are both fine
    send(request, context, [done = std::move(done)](const Answer& answer) { done(answer.error); });
}

UserListJob* ApiClient::listUsers(int pageSize)
{
    return new UserListJob(this, pageSize);
}

void ApiClient::findUserByUsername(const QString& username, QObject* context, FindCallback done)
{
    struct Search
    {
        std::optional<users::User> found;
        bool answered = false;
    };
    auto search = std::make_shared<Search>();
    const QPointer<QObject> guard(context);
    const bool hasContext = context != nullptr;

    UserListJob* job = listUsers();
    auto answer = [job, search, guard, hasContext, done](const ApiError& error) {
        if (search->answered)
            return;
        search->answered = true;
        job->deleteLater();
        if (hasContext && !guard)
            return;
        // Once found, how the listing ended does not matter.
        done(search->found, search->found ? ApiError() : error);
    };
    connect(job, &UserListJob::pageReceived, job,
        [search, username, answer](const users::UserList& page) {
            for (const users::User& user : page) {
                if (user.username.compare(username, Qt::CaseInsensitive) == 0) {
                    // The job is deleted later, which stops it: aborting it here would free
                    // the page this signal is still delivering.
                    search->found = user;
                    answer({});
                    return;
                }
            }
        });
    connect(job, &UserListJob::finished, job, answer);
    job->start();
}

} // namespace zenml::controlplane
