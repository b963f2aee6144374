package abi

// Addresses of the per-machine and per-process structures, chosen where Windows puts them.
const (
	// KUserSharedData is KUSER_SHARED_DATA's user-mode address (read-only, one page).
	KUserSharedData = 0x7FFE0000
	// PEBAddress is where peek32 places the PEB (Windows XP used 0x7FFDF000; later versions randomize near it).
	PEBAddress = 0x7FFDF000
	// TEBTop is the first TEB's address; each further thread's TEB is placed one page (TEBSize) lower, as
	// Windows XP..7 did without ASLR: 0x7FFDE000, 0x7FFDD000, ...
	TEBTop = 0x7FFDE000
	// TEBSize is the bytes reserved for one TEB.
	TEBSize = 0x1000
	// MaxTEBs is how many TEB slots exist below PEBAddress in peek32's layout (the rest go elsewhere).
	MaxTEBs = 0x20
)

// PEB field offsets (32-bit).
const (
	PEB_InheritedAddressSpace    = 0x000
	PEB_ReadImageFileExecOptions = 0x001
	PEB_BeingDebugged            = 0x002
	PEB_BitField                 = 0x003
	PEB_Mutant                   = 0x004
	PEB_ImageBaseAddress         = 0x008
	PEB_Ldr                      = 0x00C
	PEB_ProcessParameters        = 0x010
	PEB_SubSystemData            = 0x014
	PEB_ProcessHeap              = 0x018
	PEB_FastPebLock              = 0x01C
	PEB_KernelCallbackTable      = 0x02C
	PEB_ApiSetMap                = 0x038
	PEB_TlsExpansionCounter      = 0x03C
	PEB_TlsBitmap                = 0x040
	PEB_TlsBitmapBits            = 0x044 // [2]uint32
	PEB_AnsiCodePageData         = 0x058
	PEB_OemCodePageData          = 0x05C
	PEB_UnicodeCaseTableData     = 0x060
	PEB_NumberOfProcessors       = 0x064
	PEB_NtGlobalFlag             = 0x068
	PEB_CriticalSectionTimeout   = 0x070 // LARGE_INTEGER
	PEB_HeapSegmentReserve       = 0x078
	PEB_HeapSegmentCommit        = 0x07C
	PEB_NumberOfHeaps            = 0x088
	PEB_MaximumNumberOfHeaps     = 0x08C
	PEB_ProcessHeaps             = 0x090
	PEB_LoaderLock               = 0x0A0
	PEB_OSMajorVersion           = 0x0A4
	PEB_OSMinorVersion           = 0x0A8
	PEB_OSBuildNumber            = 0x0AC // uint16
	PEB_OSCSDVersion             = 0x0AE // uint16
	PEB_OSPlatformId             = 0x0B0
	PEB_ImageSubsystem           = 0x0B4
	PEB_ImageSubsystemMajor      = 0x0B8
	PEB_ImageSubsystemMinor      = 0x0BC
	PEB_ActiveProcessAffinity    = 0x0C0
	PEB_SessionId                = 0x1D4
	PEB_Size                     = 0x480 // Windows 10's size; the page it lives in is zeroed
)

// TEB field offsets (32-bit). The first 0x1C bytes are the NT_TIB.
const (
	TEB_ExceptionList        = 0x000 // NT_TIB.ExceptionList: the SEH chain head, 0xFFFFFFFF when empty
	TEB_StackBase            = 0x004 // highest address of the stack (exclusive)
	TEB_StackLimit           = 0x008 // lowest committed address of the stack
	TEB_SubSystemTib         = 0x00C
	TEB_FiberData            = 0x010
	TEB_ArbitraryUserPointer = 0x014
	TEB_Self                 = 0x018 // linear address of this TEB (what FS:[0x18] returns)
	TEB_EnvironmentPointer   = 0x01C
	TEB_ClientIdProcess      = 0x020 // CLIENT_ID.UniqueProcess (the PID)
	TEB_ClientIdThread       = 0x024 // CLIENT_ID.UniqueThread (the TID)
	TEB_ActiveRpcHandle      = 0x028
	TEB_ThreadLocalStorage   = 0x02C // ThreadLocalStoragePointer: array of static TLS blocks, by TLS index
	TEB_ProcessEnvironment   = 0x030 // the PEB
	TEB_LastErrorValue       = 0x034
	TEB_CountOwnedCritSecs   = 0x038
	TEB_CurrentLocale        = 0x0C4
	TEB_FpSoftwareStatus     = 0x0C8
	TEB_ExceptionCode        = 0x1A4
	TEB_LastStatusValue      = 0xBF4
	TEB_DeallocationStack    = 0xE0C // base of the stack reservation
	TEB_TlsSlots             = 0xE10 // [64]uint32, TlsGetValue for indexes < 64
	TEB_TlsLinks             = 0xF10
	TEB_Vdm                  = 0xF18
	TEB_HardErrorMode        = 0xF28
	TEB_GuaranteedStackBytes = 0xF78
	TEB_TlsExpansionSlots    = 0xF94 // pointer to [1024]uint32 for TLS indexes 64..1087
	TEB_FlsData              = 0xFB4
	TEB_Size                 = 0xFF8 // fits the page TEBSize
)

// TLS limits.
const (
	TLSMinimumAvailable = 64   // slots inside the TEB
	TLSExpansionSlots   = 1024 // slots in the expansion block
	TLSOutOfIndexes     = 0xFFFFFFFF
	FLSMaximumAvailable = 128
)

// PEB_LDR_DATA offsets.
const (
	LDR_Length                          = 0x00
	LDR_Initialized                     = 0x04
	LDR_SsHandle                        = 0x08
	LDR_InLoadOrderModuleList           = 0x0C // LIST_ENTRY
	LDR_InMemoryOrderModuleList         = 0x14 // LIST_ENTRY
	LDR_InInitializationOrderModuleList = 0x1C // LIST_ENTRY
	LDR_EntryInProgress                 = 0x24
	LDR_Size                            = 0x30
)

// LDR_DATA_TABLE_ENTRY offsets. The three LIST_ENTRY links come first; a walker that follows
// InMemoryOrderLinks lands at +0x08 in the entry, and at +0x10 following InInitializationOrderLinks.
const (
	LDRE_InLoadOrderLinks           = 0x00
	LDRE_InMemoryOrderLinks         = 0x08
	LDRE_InInitializationOrderLinks = 0x10
	LDRE_DllBase                    = 0x18
	LDRE_EntryPoint                 = 0x1C
	LDRE_SizeOfImage                = 0x20
	LDRE_FullDllName                = 0x24 // UNICODE_STRING
	LDRE_BaseDllName                = 0x2C // UNICODE_STRING
	LDRE_Flags                      = 0x34
	LDRE_LoadCount                  = 0x38 // uint16 (ObsoleteLoadCount on Windows 8+)
	LDRE_TlsIndex                   = 0x3A // uint16
	LDRE_HashLinks                  = 0x3C // LIST_ENTRY
	LDRE_TimeDateStamp              = 0x44
	LDRE_Size                       = 0x50
)

// LDR_DATA_TABLE_ENTRY.Flags bits.
const (
	LDRP_IMAGE_DLL           = 0x00000004
	LDRP_ENTRY_PROCESSED     = 0x00004000
	LDRP_PROCESS_ATTACH_CALL = 0x00080000
)

// UNICODE_STRING (8 bytes): Length and MaximumLength in bytes, then the buffer pointer.
const (
	US_Length        = 0x0
	US_MaximumLength = 0x2
	US_Buffer        = 0x4
	US_Size          = 0x8
)

// RTL_USER_PROCESS_PARAMETERS offsets.
const (
	RUPP_MaximumLength     = 0x000
	RUPP_Length            = 0x004
	RUPP_Flags             = 0x008
	RUPP_DebugFlags        = 0x00C
	RUPP_ConsoleHandle     = 0x010
	RUPP_ConsoleFlags      = 0x014
	RUPP_StandardInput     = 0x018
	RUPP_StandardOutput    = 0x01C
	RUPP_StandardError     = 0x020
	RUPP_CurrentDirectory  = 0x024 // CURDIR: UNICODE_STRING DosPath, then HANDLE
	RUPP_CurDirHandle      = 0x02C
	RUPP_DllPath           = 0x030
	RUPP_ImagePathName     = 0x038
	RUPP_CommandLine       = 0x040
	RUPP_Environment       = 0x048 // pointer to the UTF-16 environment block
	RUPP_StartingX         = 0x04C
	RUPP_StartingY         = 0x050
	RUPP_CountX            = 0x054
	RUPP_CountY            = 0x058
	RUPP_CountCharsX       = 0x05C
	RUPP_CountCharsY       = 0x060
	RUPP_FillAttribute     = 0x064
	RUPP_WindowFlags       = 0x068 // STARTUPINFO.dwFlags
	RUPP_ShowWindowFlags   = 0x06C
	RUPP_WindowTitle       = 0x070
	RUPP_DesktopInfo       = 0x078
	RUPP_ShellInfo         = 0x080
	RUPP_RuntimeData       = 0x088 // cbReserved2/lpReserved2 of STARTUPINFO (the CRT's inherited fds)
	RUPP_CurrentDirectores = 0x090 // [32]RTL_DRIVE_LETTER_CURDIR
	RUPP_EnvironmentSize   = 0x290
	RUPP_Size              = 0x298

	// RTL_USER_PROC_PARAMS_NORMALIZED: the pointers in the block are addresses, not offsets.
	RUPPFlagNormalized = 0x1
)

// KUSER_SHARED_DATA offsets.
const (
	KUSD_TickCountLowDeprecated = 0x000
	KUSD_TickCountMultiplier    = 0x004
	KUSD_InterruptTime          = 0x008 // KSYSTEM_TIME: Low, High1, High2
	KUSD_SystemTime             = 0x014 // KSYSTEM_TIME
	KUSD_TimeZoneBias           = 0x020 // KSYSTEM_TIME
	KUSD_ImageNumberLow         = 0x02C
	KUSD_ImageNumberHigh        = 0x02E
	KUSD_NtSystemRoot           = 0x030 // [260]uint16
	KUSD_NtProductType          = 0x264
	KUSD_ProductTypeIsValid     = 0x268
	KUSD_NtMajorVersion         = 0x26C
	KUSD_NtMinorVersion         = 0x270
	KUSD_ProcessorFeatures      = 0x274 // [64]uint8
	KUSD_KdDebuggerEnabled      = 0x2D4
	KUSD_NumberOfPhysicalPages  = 0x2E8
	KUSD_TickCount              = 0x320 // KSYSTEM_TIME
	KUSD_Cookie                 = 0x330
	KUSD_Size                   = 0x3B8
)

// CONTEXT (x86) offsets and flags.
const (
	CTX_ContextFlags = 0x00
	CTX_Dr0          = 0x04
	CTX_Dr1          = 0x08
	CTX_Dr2          = 0x0C
	CTX_Dr3          = 0x10
	CTX_Dr6          = 0x14
	CTX_Dr7          = 0x18
	CTX_FloatSave    = 0x1C // FLOATING_SAVE_AREA, 112 bytes (FSAVE layout + Cr0NpxState)
	CTX_SegGs        = 0x8C
	CTX_SegFs        = 0x90
	CTX_SegEs        = 0x94
	CTX_SegDs        = 0x98
	CTX_Edi          = 0x9C
	CTX_Esi          = 0xA0
	CTX_Ebx          = 0xA4
	CTX_Edx          = 0xA8
	CTX_Ecx          = 0xAC
	CTX_Eax          = 0xB0
	CTX_Ebp          = 0xB4
	CTX_Eip          = 0xB8
	CTX_SegCs        = 0xBC
	CTX_EFlags       = 0xC0
	CTX_Esp          = 0xC4
	CTX_SegSs        = 0xC8
	CTX_Extended     = 0xCC // 512 bytes, FXSAVE layout
	CTX_Size         = 0x2CC

	FloatSaveSize = 112

	CONTEXT_i386               = 0x00010000
	CONTEXT_CONTROL            = CONTEXT_i386 | 0x01
	CONTEXT_INTEGER            = CONTEXT_i386 | 0x02
	CONTEXT_SEGMENTS           = CONTEXT_i386 | 0x04
	CONTEXT_FLOATING_POINT     = CONTEXT_i386 | 0x08
	CONTEXT_DEBUG_REGISTERS    = CONTEXT_i386 | 0x10
	CONTEXT_EXTENDED_REGISTERS = CONTEXT_i386 | 0x20
	CONTEXT_FULL               = CONTEXT_CONTROL | CONTEXT_INTEGER | CONTEXT_SEGMENTS
	CONTEXT_ALL                = CONTEXT_FULL | CONTEXT_FLOATING_POINT | CONTEXT_DEBUG_REGISTERS | CONTEXT_EXTENDED_REGISTERS
)

// Segment selector values a 32-bit user-mode thread sees on Windows.
const (
	SelCS = 0x1B
	SelDS = 0x23 // also ES and SS
	SelFS = 0x3B
	SelGS = 0x00
)

// EXCEPTION_RECORD offsets, flags and limits.
const (
	ER_ExceptionCode        = 0x00
	ER_ExceptionFlags       = 0x04
	ER_ExceptionRecord      = 0x08
	ER_ExceptionAddress     = 0x0C
	ER_NumberParameters     = 0x10
	ER_ExceptionInformation = 0x14 // [15]uint32
	ER_Size                 = 0x50

	EXCEPTION_MAXIMUM_PARAMETERS = 15

	EXCEPTION_NONCONTINUABLE  = 0x01
	EXCEPTION_UNWINDING       = 0x02
	EXCEPTION_EXIT_UNWIND     = 0x04
	EXCEPTION_STACK_INVALID   = 0x08
	EXCEPTION_NESTED_CALL     = 0x10
	EXCEPTION_TARGET_UNWIND   = 0x20
	EXCEPTION_COLLIDED_UNWIND = 0x40

	// EXCEPTION_REGISTRATION_RECORD: {Next, Handler} on the stack, chained from TEB_ExceptionList.
	ERR_Next                     = 0x0
	ERR_Handler                  = 0x4
	ChainEnd                     = 0xFFFFFFFF
	EXCEPTION_EXECUTE_HANDLER    = 1
	EXCEPTION_CONTINUE_SEARCH    = 0
	EXCEPTION_CONTINUE_EXECUTION = 0xFFFFFFFF // -1

	// ExceptionContinueExecution etc.: the EXCEPTION_DISPOSITION a frame handler returns.
	ExceptionContinueExecution = 0
	ExceptionContinueSearch    = 1
	ExceptionNestedException   = 2
	ExceptionCollidedUnwind    = 3
)

// STARTUPINFOA/W offsets (the same layout; the string pointers are char* or wchar_t*).
const (
	SI_cb              = 0x00
	SI_lpReserved      = 0x04
	SI_lpDesktop       = 0x08
	SI_lpTitle         = 0x0C
	SI_dwX             = 0x10
	SI_dwY             = 0x14
	SI_dwXSize         = 0x18
	SI_dwYSize         = 0x1C
	SI_dwXCountChars   = 0x20
	SI_dwYCountChars   = 0x24
	SI_dwFillAttribute = 0x28
	SI_dwFlags         = 0x2C
	SI_wShowWindow     = 0x30 // uint16
	SI_cbReserved2     = 0x32 // uint16
	SI_lpReserved2     = 0x34
	SI_hStdInput       = 0x38
	SI_hStdOutput      = 0x3C
	SI_hStdError       = 0x40
	SI_Size            = 0x44

	STARTF_USESHOWWINDOW = 0x00000001
	STARTF_USESTDHANDLES = 0x00000100
)

// PROCESS_INFORMATION offsets.
const (
	PI_hProcess    = 0x0
	PI_hThread     = 0x4
	PI_dwProcessId = 0x8
	PI_dwThreadId  = 0xC
	PI_Size        = 0x10
)

// LIST_ENTRY offsets.
const (
	LE_Flink = 0x0
	LE_Blink = 0x4
)

// RTL_CRITICAL_SECTION offsets (24 bytes).
const (
	CS_DebugInfo      = 0x00
	CS_LockCount      = 0x04 // -1 when free
	CS_RecursionCount = 0x08
	CS_OwningThread   = 0x0C
	CS_LockSemaphore  = 0x10
	CS_SpinCount      = 0x14
	CS_Size           = 0x18
)

// MEMORY_BASIC_INFORMATION offsets (28 bytes).
const (
	MBI_BaseAddress       = 0x00
	MBI_AllocationBase    = 0x04
	MBI_AllocationProtect = 0x08
	MBI_RegionSize        = 0x0C
	MBI_State             = 0x10
	MBI_Protect           = 0x14
	MBI_Type              = 0x18
	MBI_Size              = 0x1C
)

// SYSTEM_INFO offsets (36 bytes).
const (
	SYSI_wProcessorArchitecture      = 0x00
	SYSI_dwPageSize                  = 0x04
	SYSI_lpMinimumApplicationAddress = 0x08
	SYSI_lpMaximumApplicationAddress = 0x0C
	SYSI_dwActiveProcessorMask       = 0x10
	SYSI_dwNumberOfProcessors        = 0x14
	SYSI_dwProcessorType             = 0x18
	SYSI_dwAllocationGranularity     = 0x1C
	SYSI_wProcessorLevel             = 0x20
	SYSI_wProcessorRevision          = 0x22
	SYSI_Size                        = 0x24
)
