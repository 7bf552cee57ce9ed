#pragma once

#include "ApiError.h"
#include "users/User.h"

#include <QDateTime>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QUrl>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>

class QNetworkAccessManager;
class QNetworkReply;

namespace zenml::controlplane {

struct LoginResult
{
    QString accessToken; // never logged
    QString tokenType;
    int expiresInSeconds = 0; // 0 when the server did not say
    QDateTime expiresAt; // invalid when the server did not say
};

struct NewUser
{
    QString username;
    QString password; // never logged
    bool isSuperuser = false;
};

// Only the fields that are set are sent.
struct UserPatch
{
    std::optional<QString> name;
    std::optional<bool> isSuperuser;
    std::optional<QString> password;
    std::optional<bool> isActive;
};

// Turns what an administrator typed ("host", "https://host/", "https://host/api/v1/") into
// the API root ("https://host/api/v1"). No scheme means https. Returns an invalid QUrl and
// sets *error to a readable reason when the text is not a usable server address.
QUrl apiRootFromUserInput(const QString& typed, QString* error = nullptr);

class UserListJob;

// The client side of the control plane's REST API. Every call is asynchronous and calls its
// callback exactly once on this thread, unless `context` is destroyed first. In-flight
// requests are aborted when the client is destroyed. The network manager is injected and
// must outlive the client.
class ApiClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ApiClient)

public:
    using LoginCallback = std::function<void(const LoginResult&, const ApiError&)>;
    using UserCallback = std::function<void(const users::User&, const ApiError&)>;
    using DoneCallback = std::function<void(const ApiError&)>;

    explicit ApiClient(QNetworkAccessManager* network, QObject* parent = nullptr);
    ~ApiClient() override;

    QNetworkAccessManager* network() const { return m_network; }

    void setApiRoot(const QUrl& apiRoot);
    QUrl apiRoot() const { return m_apiRoot; }

    // The bearer token sent on every call but login. Empty means none.
    void setAccessToken(const QString& token);
    QString accessToken() const { return m_accessToken; }

    // Per-request transfer timeout, reset whenever bytes arrive.
    void setTimeout(std::chrono::milliseconds timeout);
    std::chrono::milliseconds timeout() const { return m_timeout; }

    // POST /auth/login with a form body. A token or API key is sent as the password with an
    // empty username. Does not store the token: the caller decides.
    void login(
        const QString& username, const QString& password, QObject* context, LoginCallback done);
    void logout(QObject* context, DoneCallback done);

    void fetchCurrentUser(QObject* context, UserCallback done);
    void fetchUser(const QString& idOrEmail, QObject* context, UserCallback done);
    void createUser(const NewUser& user, QObject* context, UserCallback done);
    void updateUser(const QString& id, const UserPatch& patch, QObject* context, UserCallback done);
    void updateCurrentUser(const UserPatch& patch, QObject* context, UserCallback done);
    void deleteUser(const QString& id, QObject* context, DoneCallback done);

    // Lists every user, page after page, to the end. The job belongs to the caller (it is
    // parented to this client and may be deleted at any time, which aborts it).
    UserListJob* listUsers(int pageSize = 1000);

    void abortAll();

private:
    friend class UserListJob;
    struct Request;
    struct Answer;
    using AnswerHandler = std::function<void(const Answer&)>;

    // Sends one request; `handler` is called exactly once with the judged answer (status and
    // content type checked, JSON parsed when expected), unless `context` is destroyed first.
    QNetworkReply* send(const Request& request, QObject* context, AnswerHandler handler);
    void sendForUser(const Request& request, QObject* context, UserCallback done);
    void failSoon(QObject* context, AnswerHandler handler, const ApiError& error);

    QNetworkAccessManager* m_network;
    QUrl m_apiRoot;
    QString m_accessToken;
    std::chrono::milliseconds m_timeout { 30000 };
    QList<QNetworkReply*> m_replies; // in flight
};

// A listing in progress. Pages are delivered in order, each as one batch; `finished` comes
// once, with an error when the listing stopped before its end (then the pages received so
// far are not the whole list).
class UserListJob final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UserListJob)

public:
    ~UserListJob() override;

    void start();
    void abort();
    bool isFinished() const { return m_finished; }
    int usersReceived() const { return m_received; }

Q_SIGNALS:
    void pageReceived(const zenml::users::UserList& page);
    void finished(const zenml::controlplane::ApiError& error);

private:
    friend class ApiClient;
    UserListJob(ApiClient* client, int pageSize);
    void requestPage(qint64 offset);
    void finish(const ApiError& error);

    ApiClient* m_client;
    int m_pageSize;
    int m_received = 0;
    int m_pages = 0;
    qsizetype m_largestPage = 0; // the longest page so far: a server's cap shows here
    bool m_started = false;
    bool m_finished = false;
    QSet<QString> m_seenIds;
    QPointer<QNetworkReply> m_reply;
};

} // namespace zenml::controlplane
