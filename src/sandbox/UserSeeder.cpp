#include "sandbox/UserSeeder.h"

#include "sandbox/SandboxLog.h"
#include "sandbox/UserStore.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QUuid>

namespace zenml::sandbox {

namespace {

const char16_t* const FirstNames[] = { u"Aaliyah", u"Adrian", u"Aisha", u"Alejandro", u"Alice",
    u"Amara", u"Anders", u"Ananya", u"Aria", u"Arjun", u"Beatriz", u"Benoît", u"Björn", u"Carlos",
    u"Chen", u"Chiara", u"Daniel", u"Dmitri", u"Elena", u"Emeka", u"Emma", u"Farah", u"Fatima",
    u"Felix", u"Giulia", u"Hana", u"Hiroshi", u"Ingrid", u"Isabel", u"Jakub", u"James", u"Jia",
    u"João", u"Julia", u"Kenji", u"Kwame", u"Lars", u"Layla", u"Leon", u"Lucía", u"Maja", u"Malik",
    u"Marco", u"María", u"Mateo", u"Mei", u"Mohammed", u"Nadia", u"Niamh", u"Nikolai", u"Noah",
    u"Olivia", u"Omar", u"Priya", u"Rafael", u"Ravi", u"Sakura", u"Samuel", u"Sara", u"Sipho",
    u"Sofia", u"Tariq", u"Thomas", u"Valentina", u"Wei", u"Yara", u"Yusuf", u"Zainab", u"Zoë" };

const char16_t* const LastNames[] = { u"Adeyemi", u"Andersson", u"Bauer", u"Bianchi", u"Chen",
    u"Costa", u"Dubois", u"Eriksen", u"Fernández", u"Fischer", u"García", u"Gupta", u"Hansen",
    u"Hernández", u"Ivanova", u"Jansen", u"Johnson", u"Kamau", u"Kim", u"Kowalski", u"Kumar",
    u"Larsen", u"Li", u"López", u"Martin", u"Mensah", u"Møller", u"Müller", u"Nakamura", u"Nguyen",
    u"Novák", u"O'Brien", u"Okafor", u"Olsen", u"Patel", u"Pereira", u"Petrov", u"Rahman", u"Rossi",
    u"Sato", u"Schmidt", u"Silva", u"Singh", u"Smith", u"Suzuki", u"Tanaka", u"Torres", u"Van Dijk",
    u"Wagner", u"Wang", u"Weber", u"Williams", u"Wójcik", u"Yamamoto", u"Yilmaz", u"Zhang" };

const char16_t* const Domains[] = { u"example.com", u"corp.example", u"ml.example.org" };

const char16_t* const Companies[]
    = { u"Acme Analytics", u"Globex", u"Initech", u"Umbrella Labs", u"Stark Data" };

const char16_t* const JobTitles[]
    = { u"ML Engineer", u"Data Scientist", u"MLOps Engineer", u"Platform Engineer",
          u"Research Scientist", u"Data Engineer", u"Engineering Manager", u"Software Engineer" };

const char16_t* const BotPurposes[] = { u"training", u"deploy", u"etl", u"nightly", u"staging",
    u"release", u"monitor", u"backfill" };

const char16_t* const Teams[]
    = { u"platform", u"research", u"recommendations", u"vision", u"forecasting" };

const char16_t* const Organizations[]
    = { u"6f1c2d2e-3b7a-4c55-9a51-0c8e7b1d9f01", u"b2d7e4a0-91c3-4f6e-8d2b-5a4c3e2f1a07" };

// Lower-case ASCII for usernames: the common accents folded, anything else dropped.
QString asciiHandle(const QString& text)
{
    const QString decomposed = text.normalized(QString::NormalizationForm_KD);
    QString handle;
    handle.reserve(decomposed.size());
    for (const QChar c : decomposed) {
        if (c.unicode() < 128 && c.isLetterOrNumber())
            handle.append(c.toLower());
        else if (c == u'ø' || c == u'Ø')
            handle.append(u'o');
    }
    return handle;
}

} // namespace

UserSeeder::UserSeeder(quint32 seed, QString passwordHash)
    : m_random(seed)
    , m_passwordHash(std::move(passwordHash))
{ }

void UserSeeder::reserveUsername(const QString& username)
{
    m_takenKeys.insert(username.toCaseFolded());
}

QString UserSeeder::uniqueHandle(const QString& base)
{
    // Remembering the next suffix of each base keeps this linear for large seeds.
    QString handle = base;
    int& suffix = m_nextSuffix[base];
    if (suffix == 0)
        suffix = 2;
    while (m_takenKeys.contains(handle.toCaseFolded()))
        handle = base + QString::number(suffix++);
    m_takenKeys.insert(handle.toCaseFolded());
    return handle;
}

QString UserSeeder::uuid()
{
    QByteArray bytes(16, Qt::Uninitialized);
    m_random.fillRange(reinterpret_cast<quint32*>(bytes.data()), 4);
    bytes[6] = char((bytes.at(6) & 0x0f) | 0x40); // version 4
    bytes[8] = char((bytes.at(8) & 0x3f) | 0x80); // RFC 4122 variant
    return QUuid::fromRfc4122(bytes).toString(QUuid::WithoutBraces);
}

QString UserSeeder::hex(int bytes)
{
    QByteArray raw(bytes, Qt::Uninitialized);
    for (char& byte : raw)
        byte = char(m_random.bounded(256));
    return QString::fromLatin1(raw.toHex());
}

bool UserSeeder::chance(int percent)
{
    return m_random.bounded(100) < percent;
}

UserRecord UserSeeder::next()
{
    UserRecord user;
    user.id = uuid();
    // A fixed starting day keeps the timestamps, and so whole pages, reproducible.
    const QDateTime created = QDateTime(QDate(2024, 1, 8), QTime(9, 0), Qt::UTC)
                                  .addSecs(m_index * 1097 + m_random.bounded(600));
    ++m_index;
    user.created = created.toString(Qt::ISODateWithMs);
    user.updated = user.created;

    const int kind = m_random.bounded(100);
    if (kind < 8) {
        const QString purpose = QString::fromUtf16(pick(BotPurposes));
        user.username = uniqueHandle(QStringLiteral("ci-bot-") + purpose);
        user.name = QStringLiteral("CI bot (") + purpose + u')';
        user.isServiceAccount = true;
        user.isSuperuser = chance(2);
        user.isActive = !chance(4);
        return user;
    }

    const QString first = QString::fromUtf16(pick(FirstNames));
    const QString last = QString::fromUtf16(pick(LastNames));
    const int style = m_random.bounded(3);
    QString base;
    if (style == 0)
        base = asciiHandle(first) + u'.' + asciiHandle(last);
    else if (style == 1)
        base = asciiHandle(first).left(1) + asciiHandle(last);
    else
        base = asciiHandle(first) + asciiHandle(last).left(1);
    const QString handle = uniqueHandle(base);
    const QString email = handle + u'@' + QString::fromUtf16(pick(Domains));

    user.name = first + u' ' + last;
    user.email = email;
    user.isSuperuser = chance(2);
    user.isActive = !chance(4);
    if (chance(50))
        user.company = QString::fromUtf16(pick(Companies));
    if (chance(40))
        user.jobTitle = QString::fromUtf16(pick(JobTitles));
    if (chance(20))
        user.metadata = QByteArrayLiteral("{\"team\":\"") + QString::fromUtf16(pick(Teams)).toUtf8()
            + QByteArrayLiteral("\"}");
    if (chance(60))
        user.organizationId = QString::fromUtf16(pick(Organizations));

    if (kind < 35) {
        // SSO: the identity provider's e-mail is the username, and there is no local password.
        user.username = email;
        user.oauthProvider = QStringLiteral("oidc");
        user.oauthId = hex(12);
        if (chance(50))
            user.avatarUrl
                = QStringLiteral("https://avatars.example.com/") + hex(8) + QStringLiteral(".png");
        return user;
    }

    user.username = handle;
    user.passwordHash = m_passwordHash;
    user.passwordExpired = chance(15);
    // Some accounts never set a display name, as real installations show.
    if (chance(10))
        user.name = QString();
    return user;
}

bool UserSeeder::seed(UserStore& store, int count)
{
    QElapsedTimer timer;
    timer.start();
    // A sign of life every few seconds: whoever started a large seeding (the program's
    // sandbox launcher) waits for progress, not for a fixed time.
    constexpr qint64 kProgressEveryMs = 2000;
    qint64 nextProgressMs = kProgressEveryMs;
    if (!store.transaction())
        return false;
    for (int i = 0; i < count; ++i) {
        UserRecord user = next();
        if (!store.insert(user)) {
            store.rollback();
            return false;
        }
        if (timer.elapsed() >= nextProgressMs) {
            qCInfo(lcSandbox, "seeding: %d of %d users", i + 1, count);
            nextProgressMs = timer.elapsed() + kProgressEveryMs;
        }
    }
    if (!store.commit())
        return false;
    qCInfo(lcSandbox, "seeded %d users in %lld ms", count, qint64(timer.elapsed()));
    return true;
}

} // namespace zenml::sandbox
