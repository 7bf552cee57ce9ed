#include "sandbox/SandboxServer.h"

#include "sandbox/ControlPlane.h"
#include "sandbox/HttpFrontend.h"
#include "sandbox/PasswordHasher.h"
#include "sandbox/SandboxLog.h"
#include "sandbox/UserSeeder.h"
#include "sandbox/UserStore.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QSslCertificate>
#include <QSslKey>
#include <QSslServer>
#include <QTcpServer>
#include <QUuid>

namespace zenml::sandbox {

namespace {

const QString AdminPasswordSetting = QStringLiteral("admin_password");

QString generatePassword(int length)
{
    static const QString alphabet
        = QStringLiteral("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789");
    QString password;
    password.reserve(length);
    for (int i = 0; i < length; ++i)
        password.append(alphabet.at(QRandomGenerator::system()->bounded(int(alphabet.size()))));
    return password;
}

QString checkOptions(const SandboxOptions& options)
{
    if (options.tokenTtlSeconds < 1)
        return QStringLiteral("the token lifetime must be at least 1 second");
    if (options.maxPageSize < 1 || options.defaultPageSize < 1)
        return QStringLiteral("page sizes must be at least 1");
    if (options.createStatus != 200 && options.createStatus != 201)
        return QStringLiteral("the create status must be 200 or 201");
    if (options.seedCount < 0)
        return QStringLiteral("the number of seeded users cannot be negative");
    if (options.passwordIterations < 1)
        return QStringLiteral("the PBKDF2 round count must be at least 1");
    if (const auto problem = ControlPlane::usernameProblem(options.adminUsername))
        return QStringLiteral("the admin username is not valid: ") + *problem;
    return QString();
}

} // namespace

SandboxServer::SandboxServer(SandboxOptions options, QObject* parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_store(std::make_unique<UserStore>())
    , m_faults(m_options.faults)
{ }

SandboxServer::~SandboxServer()
{
    // The HTTP side goes first: it calls into the control plane, which uses the store.
    delete m_http;
}

bool SandboxServer::open()
{
    if (m_open)
        return true;
    m_error = checkOptions(m_options);
    if (!m_error.isEmpty())
        return false;
    if (!m_store->open(m_options.databasePath)) {
        m_error = m_store->errorString();
        return false;
    }
    m_store->removeExpiredTokens(QDateTime::currentMSecsSinceEpoch());
    if (!prepareAdmin())
        return false;

    m_controlPlane = std::make_unique<ControlPlane>(m_options, *m_store);
    for (const QString& key : std::as_const(m_options.apiKeys))
        m_controlPlane->addApiKey(key, m_adminId);

    // Seeding happens once: a reused database that already has users keeps them as they are.
    if (m_options.seedCount > 0) {
        if (m_store->countNonAdmin() == 0) {
            UserSeeder seeder(m_options.seedRandom,
                PasswordHasher::hash(seededPassword(), m_options.passwordIterations));
            seeder.reserveUsername(m_adminUsername);
            if (!seeder.seed(*m_store, m_options.seedCount)) {
                m_error = QStringLiteral("seeding users failed: ") + m_store->errorString();
                return false;
            }
        } else {
            qCInfo(lcSandbox) << "the database already holds users: not seeding";
        }
    }

    m_http = new HttpFrontend([this](const ApiRequest& request) { return respond(request); });
    m_open = true;
    return true;
}

// The admin password is configuration, as in a deployment: the given one, else the one a
// previous start generated and kept in the database, else a new generated one.
bool SandboxServer::prepareAdmin()
{
    m_adminUsername = m_options.adminUsername;
    m_adminPassword = m_options.adminPassword;
    if (m_adminPassword.isEmpty())
        m_adminPassword = m_store->setting(AdminPasswordSetting);
    if (m_adminPassword.isEmpty()) {
        m_adminPassword = generatePassword(20);
        if (!m_store->setSetting(AdminPasswordSetting, m_adminPassword)) {
            m_error = QStringLiteral("cannot keep the admin password: ") + m_store->errorString();
            return false;
        }
    }

    const std::optional<UserRecord> holder = m_store->findByUsername(m_adminUsername);
    if (holder && !holder->isAdmin) {
        m_error = QStringLiteral("the admin username '%1' already belongs to another account")
                      .arg(m_adminUsername);
        return false;
    }

    std::optional<UserRecord> admin = m_store->findAdmin();
    const QString now = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
    if (!admin) {
        UserRecord record;
        record.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
        record.username = m_adminUsername;
        record.passwordHash = PasswordHasher::hash(m_adminPassword, m_options.passwordIterations);
        record.isSuperuser = true;
        record.isAdmin = true;
        record.created = now;
        record.updated = now;
        if (!m_store->insert(record)) {
            m_error = QStringLiteral("cannot create the admin account: ") + m_store->errorString();
            return false;
        }
        m_adminId = record.id;
        return true;
    }

    bool changed = false;
    if (admin->username != m_adminUsername) {
        admin->username = m_adminUsername;
        changed = true;
    }
    if (admin->passwordHash.isNull()
        || !PasswordHasher::verify(m_adminPassword, admin->passwordHash)) {
        admin->passwordHash = PasswordHasher::hash(m_adminPassword, m_options.passwordIterations);
        admin->passwordExpired = false;
        changed = true;
    }
    if (!admin->isActive || !admin->isSuperuser) {
        admin->isActive = true;
        admin->isSuperuser = true;
        changed = true;
    }
    if (changed) {
        admin->updated = now;
        if (!m_store->update(*admin)) {
            m_error = QStringLiteral("cannot update the admin account: ") + m_store->errorString();
            return false;
        }
    }
    m_adminId = admin->id;
    return true;
}

bool SandboxServer::listen(const QHostAddress& address, quint16 port)
{
    if (!open())
        return false;
    if (!m_options.tlsCertificatePath.isEmpty() || !m_options.tlsKeyPath.isEmpty()) {
        QFile certificateFile(m_options.tlsCertificatePath);
        QFile keyFile(m_options.tlsKeyPath);
        if (!certificateFile.open(QIODevice::ReadOnly) || !keyFile.open(QIODevice::ReadOnly)) {
            m_error = QStringLiteral("cannot read the TLS certificate or key (%1, %2)")
                          .arg(m_options.tlsCertificatePath, m_options.tlsKeyPath);
            return false;
        }
        const QSslCertificate certificate(&certificateFile, QSsl::Pem);
        const QSslKey key(&keyFile, QSsl::Rsa, QSsl::Pem);
        if (certificate.isNull() || key.isNull()) {
            m_error = QStringLiteral("the TLS certificate or key is not a PEM RSA pair");
            return false;
        }
        m_sslConfiguration = QSslConfiguration::defaultConfiguration();
        m_sslConfiguration.setLocalCertificate(certificate);
        m_sslConfiguration.setPrivateKey(key);
        m_tls = true;
    }
    // A QSslServer does the handshake before the HTTP layer sees the connection.
    QTcpServer* tcpServer = nullptr;
    if (m_tls) {
        auto* sslServer = new QSslServer(m_http);
        sslServer->setSslConfiguration(m_sslConfiguration);
        tcpServer = sslServer;
    } else {
        tcpServer = new QTcpServer(m_http);
    }
    if (!tcpServer->listen(address, port)) {
        m_error = QStringLiteral("cannot listen on %1 port %2: %3")
                      .arg(address.toString())
                      .arg(port)
                      .arg(tcpServer->errorString());
        delete tcpServer;
        return false;
    }
    m_http->bind(tcpServer);
    m_tcpServer = tcpServer;
    m_address = address;
    m_port = tcpServer->serverPort();
    qCInfo(lcSandbox).noquote() << "listening on" << apiRoot().toString();
    return true;
}

bool SandboxServer::isListening() const
{
    return m_tcpServer && m_tcpServer->isListening();
}

QUrl SandboxServer::apiRoot() const
{
    QUrl url;
    url.setScheme(m_tls ? QStringLiteral("https") : QStringLiteral("http"));
    url.setHost(m_address.toString());
    url.setPort(m_port);
    url.setPath(QStringLiteral("/api/v1"));
    return url;
}

ApiResponse SandboxServer::respond(const ApiRequest& request)
{
    ++m_served;
    if (request.segments.size() >= 2) {
        const QByteArray route
            = request.method + " /" + request.segments.mid(2).join(QLatin1Char('/')).toUtf8();
        ++m_servedByRoute[route];
    }
    if (!request.segments.isEmpty() && request.segments.constFirst() == u"_sandbox")
        return control(request);

    // Faults apply below the API root only.
    const bool underApi = request.segments.size() >= 2 && request.segments.at(0) == u"api"
        && request.segments.at(1) == u"v1";
    if (!underApi)
        return m_controlPlane->handle(request);
    const QString path = u'/' + request.segments.mid(2).join(u'/');
    for (auto fault = m_faults.begin(); fault != m_faults.end(); ++fault) {
        const bool methodMatches = fault->method.isEmpty() || fault->method == request.method;
        const bool pathMatches = fault->path.isEmpty() || fault->path == path
            || (fault->path.endsWith(u'*') && path.startsWith(fault->path.chopped(1)));
        if (!methodMatches || !pathMatches)
            continue;
        if (fault->skip > 0) {
            --fault->skip;
            continue;
        }

        ApiResponse response;
        if (fault->status == 0) {
            response = m_controlPlane->handle(request);
        } else {
            response.status = fault->status;
            response.contentType = fault->contentType;
            response.body = fault->body;
            response.headers = fault->headers;
        }
        applyFault(*fault, request, &response);
        qCInfo(lcSandbox).noquote() << "injected fault on" << request.method << path << "status"
                                    << response.status << "delay" << response.delayMs << "ms"
                                    << (fault->spec.isEmpty() ? QString() : fault->spec);
        if (fault->times > 0 && --fault->times == 0)
            m_faults.erase(fault);
        return response;
    }
    return m_controlPlane->handle(request);
}

void SandboxServer::applyFault(
    const SandboxFault& fault, const ApiRequest& request, ApiResponse* response)
{
    response->delayMs = fault.delayMs;
    if (fault.status == 0) {
        // The control plane's own answer, with the fault's extra headers.
        response->headers += fault.headers;
    }
    if (fault.redirectOrigin) {
        // The same path and query, on the sandbox itself or on another origin.
        response->body.clear();
        response->headers.append(
            { QByteArrayLiteral("Location"), fault.redirectOrigin->toUtf8() + request.target });
    }
    if (!fault.badUtf8Field.isEmpty()) {
        // Bytes that are never valid UTF-8: a lone lead byte, 0xFF, an encoded surrogate.
        static const QByteArray invalid = QByteArrayLiteral("\xC3(\xFF\xED\xA0\x80");
        const QByteArray key = '"' + fault.badUtf8Field + "\":\"";
        QByteArray& body = response->body;
        for (qsizetype at = body.indexOf(key); at >= 0; at = body.indexOf(key, at)) {
            at += key.size();
            body.insert(at, invalid);
            at += invalid.size();
        }
    }
    if (fault.truncateHalf)
        response->body.truncate(response->body.size() / 2);
    else if (fault.truncateTo >= 0)
        response->body.truncate(fault.truncateTo);
    response->drop = fault.drop;
    response->hugeBytes = fault.hugeBytes;
    response->announceLength = fault.announceLength;
    response->trickleMs = fault.trickleMs;
    if (fault.hugeBytes > 0)
        response->contentType = QByteArrayLiteral("application/json");
}

// The run-time control endpoint, outside /api/v1 so that no client of the API can reach it
// by accident. Loopback clients only: the sandbox listens on loopback anyway, and this keeps
// it so should that ever change.
ApiResponse SandboxServer::control(const ApiRequest& request)
{
    if (!request.peer.isLoopback()) {
        qCWarning(lcSandbox).noquote()
            << "refused a control request from" << request.peer.toString();
        return ApiResponse::detail(403,
            QStringLiteral("The sandbox control endpoint answers "
                           "loopback clients only."));
    }
    if (request.segments != QStringList { QStringLiteral("_sandbox"), QStringLiteral("faults") })
        return ApiResponse::detail(404, QStringLiteral("Not Found"));

    if (request.method == "DELETE") {
        const qsizetype removed = m_faults.size();
        clearFaults();
        qCInfo(lcSandbox) << "removed" << removed << "fault(s) through the control endpoint";
        return ApiResponse::json(200, QJsonObject { { QStringLiteral("removed"), removed } });
    }
    if (request.method == "POST") {
        const QJsonDocument document = QJsonDocument::fromJson(request.body);
        QStringList specs;
        const QJsonObject object = document.object();
        if (object.value(QStringLiteral("fault")).isString())
            specs << object.value(QStringLiteral("fault")).toString();
        for (const QJsonValue& value : object.value(QStringLiteral("faults")).toArray())
            specs << value.toString();
        if (specs.isEmpty()) {
            return ApiResponse::detail(422,
                QStringLiteral("Send {\"fault\": \"METHOD PATH: OPTION,...\"} or "
                               "{\"faults\": [...]}; see zenml-pro-sandbox --help."));
        }
        QList<SandboxFault> parsed;
        for (const QString& spec : std::as_const(specs)) {
            QString error;
            const auto fault = parseFault(spec, &error);
            if (!fault)
                return ApiResponse::detail(422, error);
            parsed << *fault;
        }
        for (const SandboxFault& fault : std::as_const(parsed)) {
            qCInfo(lcSandbox).noquote()
                << "fault added through the control endpoint:" << fault.spec;
            addFault(fault);
        }
    } else if (request.method != "GET") {
        return ApiResponse::detail(405, QStringLiteral("Method Not Allowed"));
    }

    QJsonArray active;
    for (const SandboxFault& fault : std::as_const(m_faults)) {
        active.append(QJsonObject { { QStringLiteral("fault"), fault.spec },
            { QStringLiteral("skip"), fault.skip }, { QStringLiteral("times"), fault.times } });
    }
    return ApiResponse::json(
        request.method == "POST" ? 201 : 200, QJsonObject { { QStringLiteral("faults"), active } });
}

void SandboxServer::addFault(const SandboxFault& fault)
{
    m_faults.append(fault);
}

void SandboxServer::clearFaults()
{
    m_faults.clear();
}

QList<SandboxFault> SandboxServer::faults() const
{
    return m_faults;
}

QString SandboxServer::createApiKey(const QString& userId)
{
    if (!open())
        return QString();
    const QString key = ControlPlane::generateApiKey();
    m_controlPlane->addApiKey(key, userId.isEmpty() ? m_adminId : userId);
    return key;
}

} // namespace zenml::sandbox
