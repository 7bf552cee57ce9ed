#include "sandbox/ApiRequest.h"

#include <QUrl>
#include <QUrlQuery>

namespace zenml::sandbox {

QList<QPair<QString, QString>> ApiRequest::decodeForm(const QByteArray& encoded)
{
    // QUrlQuery keeps '+' literal; the form rule makes it a space, so it becomes %20 first.
    QByteArray spaced = encoded;
    spaced.replace('+', QByteArrayLiteral("%20"));
    QUrlQuery query;
    query.setQuery(QString::fromUtf8(spaced));
    return query.queryItems(QUrl::FullyDecoded);
}

std::optional<QString> ApiRequest::value(
    const QList<QPair<QString, QString>>& pairs, const QString& key)
{
    for (const auto& pair : pairs) {
        if (pair.first == key)
            return pair.second;
    }
    return std::nullopt;
}

QStringList ApiRequest::splitPath(const QByteArray& encodedPath)
{
    QStringList segments;
    const QList<QByteArray> parts = encodedPath.split('/');
    for (const QByteArray& part : parts) {
        if (!part.isEmpty())
            segments.append(QUrl::fromPercentEncoding(part));
    }
    return segments;
}

} // namespace zenml::sandbox
