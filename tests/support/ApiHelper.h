#pragma once

// Another administrator at the same control plane, for tests: it sets up accounts and reads
// the server's state through the API (never through the window's own model). Each call waits
// for its answer with QTest::qWaitFor.

#include "controlplane/ApiClient.h"
#include "support/SandboxFixture.h"
#include "users/User.h"

#include <QNetworkAccessManager>

#include <memory>

class ApiHelper
{
public:
    using ApiError = zenml::controlplane::ApiError;
    using User = zenml::users::User;

    explicit ApiHelper(const QUrl& apiRoot)
        : m_client(std::make_unique<zenml::controlplane::ApiClient>(&m_network))
    {
        m_client->setApiRoot(apiRoot);
    }

    zenml::controlplane::ApiClient* client() const { return m_client.get(); }

    // Signs this helper in; false when the server refused.
    bool signIn(const QString& username, const QString& password)
    {
        CallbackWaiter<zenml::controlplane::LoginResult, ApiError> waiter;
        m_client->login(username, password, waiter.context(), waiter.callback());
        if (!waiter.wait() || waiter.get<1>())
            return false;
        m_client->setAccessToken(waiter.get<0>().accessToken);
        return true;
    }

    // The error a sign-in gets (Kind::None when it works), without keeping the token.
    ApiError trySignIn(const QString& username, const QString& password)
    {
        CallbackWaiter<zenml::controlplane::LoginResult, ApiError> waiter;
        m_client->login(username, password, waiter.context(), waiter.callback());
        waiter.wait();
        return waiter.get<1>();
    }

    User create(const QString& username, const QString& password, bool superuser = false)
    {
        CallbackWaiter<User, ApiError> waiter;
        m_client->createUser(
            { username, password, superuser }, waiter.context(), waiter.callback());
        waiter.wait();
        m_lastError = waiter.get<1>();
        return waiter.get<0>();
    }

    User fetch(const QString& idOrEmail)
    {
        CallbackWaiter<User, ApiError> waiter;
        m_client->fetchUser(idOrEmail, waiter.context(), waiter.callback());
        waiter.wait();
        m_lastError = waiter.get<1>();
        return waiter.get<0>();
    }

    User patch(const QString& id, const zenml::controlplane::UserPatch& patch)
    {
        CallbackWaiter<User, ApiError> waiter;
        m_client->updateUser(id, patch, waiter.context(), waiter.callback());
        waiter.wait();
        m_lastError = waiter.get<1>();
        return waiter.get<0>();
    }

    User patchMe(const zenml::controlplane::UserPatch& patch)
    {
        CallbackWaiter<User, ApiError> waiter;
        m_client->updateCurrentUser(patch, waiter.context(), waiter.callback());
        waiter.wait();
        m_lastError = waiter.get<1>();
        return waiter.get<0>();
    }

    ApiError remove(const QString& id)
    {
        CallbackWaiter<ApiError> waiter;
        m_client->deleteUser(id, waiter.context(), waiter.callback());
        waiter.wait();
        m_lastError = waiter.get<0>();
        return m_lastError;
    }

    zenml::users::UserList listAll()
    {
        zenml::users::UserList all;
        bool done = false;
        std::unique_ptr<zenml::controlplane::UserListJob> job(m_client->listUsers());
        QObject::connect(job.get(), &zenml::controlplane::UserListJob::pageReceived,
            [&](const zenml::users::UserList& page) { all += page; });
        QObject::connect(
            job.get(), &zenml::controlplane::UserListJob::finished, [&](const ApiError& error) {
                m_lastError = error;
                done = true;
            });
        job->start();
        (void)QTest::qWaitFor([&] { return done; }, 15000);
        return all;
    }

    const ApiError& lastError() const { return m_lastError; }

private:
    QNetworkAccessManager m_network;
    std::unique_ptr<zenml::controlplane::ApiClient> m_client;
    ApiError m_lastError;
};
