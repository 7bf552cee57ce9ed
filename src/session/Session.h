#pragma once

#include "controlplane/ApiClient.h"
#include "controlplane/ApiError.h"
#include "users/User.h"

#include <QDateTime>
#include <QObject>
#include <QUrl>

namespace zenml::session {

// The signed-in state of one administrator against one control plane: the API root, the
// token and its expiry (in memory only), and the account that signed in.
class Session final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Session)

public:
    enum class Method
    {
        Password, // username and password exchanged at /auth/login
        Token, // a personal access token or API key sent as the bearer token
    };

    explicit Session(QNetworkAccessManager* network, QObject* parent = nullptr);

    controlplane::ApiClient* client() const { return m_client; }

    // Signs in and then fetches the account's own user object. Ends with signedIn() or
    // signInFailed(). A token that the server does not accept as a bearer token is tried
    // once more by exchanging it at /auth/login (the API-key flow).
    void signIn(const QUrl& apiRoot, Method method, const QString& username, const QString& secret);
    void signOut();

    bool isSignedIn() const { return m_signedIn; }
    bool isBusy() const { return m_busy; }
    QUrl apiRoot() const { return m_client->apiRoot(); }
    const users::User& currentUser() const { return m_currentUser; }
    QDateTime tokenExpiresAt() const { return m_tokenExpiresAt; } // invalid when unknown
    // True once the token's announced lifetime has run out (never for an unknown expiry).
    bool isTokenExpired() const;

    QString reservedAdminUsername() const { return m_reservedAdminUsername; }
    void setReservedAdminUsername(const QString& username);

Q_SIGNALS:
    void signedIn(const zenml::users::User& currentUser);
    void signInFailed(const zenml::controlplane::ApiError& error);
    void signedOut();

private:
    void exchangeAndFetch(int attempt, const QString& username, const QString& secret);
    void fetchCurrentUser(int attempt, bool tokenMayBeExchanged, const QString& secret);
    void fail(const controlplane::ApiError& error);

    controlplane::ApiClient* m_client;
    users::User m_currentUser;
    QDateTime m_tokenExpiresAt;
    QString m_reservedAdminUsername = users::User::defaultReservedAdminUsername();
    bool m_signedIn = false;
    bool m_busy = false;
    int m_attempt = 0; // answers to an older sign-in or to a sign-out are ignored
};

} // namespace zenml::session
