#pragma once

#include "ApiError.h"
#include "TlsTrust.h"
#include "users/User.h"
#include "users/UserRow.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QUrl>

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <optional>

class QNetworkAccessManager;
class QNetworkReply;
class QTimer;

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

    // Which certificates beyond the system's CAs this server's connections accept.
    void setTlsTrust(const TlsTrust& trust) { m_tls.setTrust(trust); }
    const TlsTrust& tlsTrust() const { return m_tls.trust(); }
    // The certificate last refused on this client's connections, for the question whether
    // to trust it; empty when none was refused since the trust was last set.
    const std::optional<CertificateInfo>& refusedCertificate() const { return m_tls.lastRefused(); }

    // Asked when a request that carried the token is refused with 401: it signs in again and
    // calls `done(true)` once a new token is set (or `done(false)`). Every request refused
    // meanwhile waits for that one sign-in and is then sent once more; a second 401 is the
    // request's answer. Without a reauthenticator a 401 is simply the answer.
    using Reauthenticator = std::function<void(std::function<void(bool)> done)>;
    void setReauthenticator(Reauthenticator reauthenticate)
    {
        m_reauthenticate = std::move(reauthenticate);
    }

    // The bearer token sent on every call but login. Empty means none.
    void setAccessToken(const QString& token);
    QString accessToken() const { return m_accessToken; }

    // Per-request transfer timeout, reset whenever bytes arrive (default 30 s; 0 means none).
    void setTimeout(std::chrono::milliseconds timeout);
    std::chrono::milliseconds timeout() const { return m_timeout; }

    // The largest answer body read (default 64 MB). A larger one, announced or arriving, is
    // aborted and reported as Malformed, so that no server can fill the memory.
    void setMaxBodyBytes(qint64 bytes);
    qint64 maxBodyBytes() const { return m_maxBodyBytes; }

    // A 429 whose Retry-After asks for at most this wait (default 60 s) is sent once more
    // after that wait; a longer or missing Retry-After, or a second 429, is reported.
    void setMaxRetryAfter(std::chrono::seconds wait);
    std::chrono::seconds maxRetryAfter() const { return m_maxRetryAfter; }

    // POST /auth/login with a form body. A token or API key is sent as the password with an
    // empty username. Does not store the token: the caller decides.
    void login(
        const QString& username, const QString& password, QObject* context, LoginCallback done);
    // The sign-in of an account whose password has expired, on a server that refuses such a
    // sign-in with 403 until a new password comes with it (sent as the form's new_password).
    void loginWithNewPassword(const QString& username, const QString& password,
        const QString& newPassword, QObject* context, LoginCallback done);
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

    using FindCallback = std::function<void(const std::optional<users::User>&, const ApiError&)>;
    // The account whose username equals `username` without regard to case (the control plane
    // keeps usernames unique that way), by listing the users until it shows. Nothing and no
    // error: there is none. Used to learn whether a create whose answer was lost happened.
    void findUserByUsername(const QString& username, QObject* context, FindCallback done);

    // Ends every request in flight, and every retry waiting for its Retry-After, with a
    // Cancelled error to its callback.
    void abortAll();

private:
    friend class UserListJob;
    struct Request;
    struct Answer;
    using AnswerHandler = std::function<void(const Answer&)>;

    // Sends one request; `handler` is called exactly once with the judged answer (status and
    // content type checked, JSON parsed when expected), unless `context` is destroyed first.
    // A 429 may send the request again: the reply returned is the first one only.
    QNetworkReply* send(const Request& request, QObject* context, AnswerHandler handler);
    QNetworkReply* sendAttempt(
        const Request& request, QObject* context, AnswerHandler handler, bool isRetry);
    void retryLater(const Request& request, QObject* context, AnswerHandler handler,
        std::chrono::milliseconds wait);
    void sendForUser(const Request& request, QObject* context, UserCallback done);
    void failSoon(QObject* context, AnswerHandler handler, const ApiError& error);
    void sendLogin(const QString& username, const QString& password, const QString& newPassword,
        QObject* context, LoginCallback done);

    QNetworkAccessManager* m_network;
    QUrl m_apiRoot;
    QString m_accessToken;
    TlsGuard m_tls;
    Reauthenticator m_reauthenticate;
    bool m_reauthenticating = false;
    struct WaitingForToken
    {
        std::shared_ptr<const Request> request;
        QPointer<QObject> context;
        bool hasContext;
        AnswerHandler handler;
        std::shared_ptr<const Answer> refusal; // answered when signing in again fails
    };
    QList<WaitingForToken> m_waitingForToken;
    void reauthenticateThenRetry(
        const Request& request, QObject* context, AnswerHandler handler, const Answer& refusal);
    std::chrono::milliseconds m_timeout { 30000 };
    qint64 m_maxBodyBytes = 64 * 1024 * 1024;
    std::chrono::seconds m_maxRetryAfter { 60 };
    QList<QNetworkReply*> m_replies; // in flight
    // Retries waiting for their Retry-After, each with what cancels it.
    QHash<QTimer*, std::function<void()>> m_retries;
};

// A listing in progress. Pages are delivered in order, each as one batch; `finished` comes
// once, with an error when the listing stopped before its end (then the pages received so
// far are not the whole list). Several pages are requested at once, at most
// maxPagesInFlight(), once the server's page size is known from its first answers.
class UserListJob final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UserListJob)

public:
    ~UserListJob() override;

    struct DecodedPage; // a page as its worker thread decoded it

    // At least 1 (one page after another); takes effect for requests made from then on.
    void setMaxPagesInFlight(int pages);
    int maxPagesInFlight() const { return m_maxInFlight; }

    void start();
    void abort();
    bool isFinished() const { return m_finished; }
    int usersReceived() const { return m_received; }

Q_SIGNALS:
    // Both for each page, in this order: the page with its rows prepared for a
    // users::UserTableModel (decoded and folded on a worker thread), then its users alone.
    void pagePrepared(const zenml::users::PreparedUsers& page);
    void pageReceived(const zenml::users::UserList& page);
    void finished(const zenml::controlplane::ApiError& error);

private:
    friend class ApiClient;

    // One requested page, from its request until it is delivered in offset order.
    struct Slot
    {
        quint64 ticket = 0;
        qint64 offset = 0;
        QPointer<QNetworkReply> reply;
        bool answered = false; // and decoded
        ApiError error;
        int httpStatus = 0;
        users::PreparedUsers users;
        qsizetype itemCount = 0;
        std::optional<qint64> total;
    };

    UserListJob(ApiClient* client, int pageSize);
    void requestPage(qint64 offset);
    void onAnswer(quint64 ticket, const ApiClient::Answer& answer);
    void onDecoded(quint64 ticket, DecodedPage& page);
    Slot* pendingSlot(quint64 ticket);
    void deliverReady();
    void fillPipeline();
    void dropSlots();
    void finish(const ApiError& error);

    ApiClient* m_client;
    int m_pageSize;
    int m_maxInFlight = 4;
    int m_received = 0;
    int m_pages = 0;
    qsizetype m_largestPage = 0; // the longest page so far: a server's cap shows here
    qsizetype m_step = 0; // the server's page size once learned; 0 while pages go one by one
    qint64 m_nextOffset = 0; // the next offset to request while pipelining
    std::optional<qint64> m_total; // the envelope's latest "total"
    quint64 m_lastTicket = 0;
    bool m_started = false;
    bool m_finished = false;
    // Hashes of the ids delivered: growing a set of 100,000 strings pauses the GUI thread for
    // tens of milliseconds, a set of integers does not. Two ids sharing a hash only matter if
    // every id on a page did.
    QSet<size_t> m_seenIds;
    std::deque<Slot> m_slots; // requested, not yet delivered, in offset order
};

} // namespace zenml::controlplane
