package loader

import (
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"math/big"
	"time"
)

// parseSignature reads the attribute certificate table (the Security
// directory, whose "RVA" is a file offset). It reports the WIN_CERTIFICATE
// header and, for an Authenticode PKCS#7 SignedData, each signer's subject,
// issuer, serial and validity. Nothing is verified.
func parseSignature(data []byte, off, size uint32) (*SignatureInfo, []string) {
	if off == 0 || size == 0 {
		return nil, nil
	}
	if uint64(off)+8 > uint64(len(data)) {
		return nil, []string{"the security directory points past the end of the file"}
	}
	si := &SignatureInfo{Offset: off, Length: le32(data, int(off)), Revision: le16(data, int(off)+4), Type: le16(data, int(off)+6)}
	end := uint64(off) + uint64(si.Length)
	if si.Length < 8 || end > uint64(len(data)) {
		return si, []string{"the attribute certificate's length runs past the end of the file"}
	}
	if si.Type != 2 { // WIN_CERT_TYPE_PKCS_SIGNED_DATA
		return si, nil
	}
	signers, err := pkcs7Signers(data[off+8 : end])
	if err != nil {
		return si, []string{"the Authenticode signature cannot be decoded: " + err.Error()}
	}
	si.Signers = signers
	return si, nil
}

type asnContentInfo struct {
	ContentType asn1.ObjectIdentifier
	Content     asn1.RawValue `asn1:"explicit,optional,tag:0"`
}

type asnSignedData struct {
	Version          int
	DigestAlgorithms asn1.RawValue
	ContentInfo      asn1.RawValue
	Certificates     asn1.RawValue `asn1:"optional,tag:0"`
	CRLs             asn1.RawValue `asn1:"optional,tag:1"`
	SignerInfos      asn1.RawValue
}

type asnIssuerSerial struct {
	Issuer asn1.RawValue
	Serial *big.Int
}

type asnSignerInfo struct {
	Version         int
	IssuerAndSerial asnIssuerSerial
}

type asnTBS struct {
	Version  int `asn1:"optional,explicit,default:0,tag:0"`
	Serial   *big.Int
	SigAlg   asn1.RawValue
	Issuer   asn1.RawValue
	Validity struct{ NotBefore, NotAfter time.Time }
	Subject  asn1.RawValue
}

type asnCert struct {
	TBS asn1.RawValue
}

func nameString(raw []byte) string {
	var seq pkix.RDNSequence
	if _, err := asn1.Unmarshal(raw, &seq); err != nil {
		return "?"
	}
	var n pkix.Name
	n.FillFromRDNSequence(&seq)
	return n.String()
}

// pkcs7Signers extracts the signer certificates' names from a DER PKCS#7
// SignedData blob.
func pkcs7Signers(der []byte) ([]SignerInfo, error) {
	var ci asnContentInfo
	if _, err := asn1.Unmarshal(der, &ci); err != nil {
		return nil, err
	}
	var sd asnSignedData
	if _, err := asn1.Unmarshal(ci.Content.Bytes, &sd); err != nil {
		return nil, err
	}
	type cert struct {
		tbs       asnTBS
		issuerRaw []byte
	}
	var certs []cert
	for rest := sd.Certificates.Bytes; len(rest) > 0 && len(certs) < 64; {
		var c asnCert
		var err error
		if rest, err = asn1.Unmarshal(rest, &c); err != nil {
			break
		}
		var tbs asnTBS
		if _, err := asn1.Unmarshal(c.TBS.FullBytes, &tbs); err != nil {
			continue
		}
		certs = append(certs, cert{tbs, tbs.Issuer.FullBytes})
	}
	var out []SignerInfo
	for rest := sd.SignerInfos.Bytes; len(rest) > 0 && len(out) < 16; {
		var s asnSignerInfo
		var err error
		if rest, err = asn1.Unmarshal(rest, &s); err != nil {
			break
		}
		info := SignerInfo{Issuer: nameString(s.IssuerAndSerial.Issuer.FullBytes)}
		if s.IssuerAndSerial.Serial != nil {
			info.Serial = hex.EncodeToString(s.IssuerAndSerial.Serial.Bytes())
		}
		for _, c := range certs {
			if c.tbs.Serial != nil && s.IssuerAndSerial.Serial != nil && c.tbs.Serial.Cmp(s.IssuerAndSerial.Serial) == 0 {
				info.Subject = nameString(c.tbs.Subject.FullBytes)
				info.NotBefore = c.tbs.Validity.NotBefore.UTC().Format(time.RFC3339)
				info.NotAfter = c.tbs.Validity.NotAfter.UTC().Format(time.RFC3339)
				break
			}
		}
		out = append(out, info)
	}
	return out, nil
}
